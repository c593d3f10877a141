/**
 * How the language server's Node process is started: shared by the VS Code client, the tests and the benchmarks
 * that start it, so they measure the process editors run.
 */

/**
 * Node options for the server process. Node gives V8 four background threads on any machine; on a 2-core VM they
 * compete with the server's own thread while a file's first check runs (the optimising compiler's jobs and the
 * garbage collector's helpers), which made the check's pauses longer than the collections themselves.
 * `--v8-pool-size=0` sizes the pool to the machine (its available CPUs less one, at least one): the first check of a
 * 10,000-block file on 2 cores took about 20 % less time and CPU.
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--v8-pool-size=0'];

/**
 * {@link SERVER_NODE_OPTIONS} for a server started by a runtime whose `process.versions` are `versions`: the options on
 * Node (VS Code Server, code-server, Codespaces: where the small machines are, and where they were measured), none
 * on Electron (VS Code desktop starts the server with its own executable, whose handling of Node's options is not
 * tested here: it starts the server as before).
 */
export function serverNodeOptions(versions: Readonly<Record<string, string | undefined>>): string[] {
  return 'electron' in versions ? [] : [...SERVER_NODE_OPTIONS];
}
