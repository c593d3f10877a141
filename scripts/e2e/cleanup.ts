// Child processes that must not outlive the runner: code-server runs in its own process group (so that it can
// be stopped with its extension hosts), which a Ctrl+C in the terminal or a CI timeout does not reach.
import type { ChildProcess } from 'node:child_process';

const tracked = new Map<ChildProcess, boolean>();
let installed = false;

/** Kills `child` (its whole group when `group`) if this process exits while it still runs. */
export function killOnExit(child: ChildProcess, group: boolean): void {
  tracked.set(child, group);
  child.once('exit', () => tracked.delete(child));
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const [running, isGroup] of tracked) {
      if (running.pid === undefined) continue;
      try {
        process.kill(isGroup ? -running.pid : running.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

/** Turns SIGINT/SIGTERM into a normal exit (status 130/143), so that the exit cleanup above runs. */
export function exitOnSignals(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}
