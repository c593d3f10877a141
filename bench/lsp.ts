// `npm run bench:lsp`: the language server on a 10,000-block file, over the real process (dist/server.js --stdio).
// Prints time to first diagnostics, completion and hover latency while typing, diagnostics after an edit, and
// the server's memory, next to the targets; a first check through Node IPC, the transport VS Code uses; the same
// through a second client (Neovim's own LSP client and JSON-RPC framing, when `nvim` is installed); every request
// on a 20 MB file (130,000 blocks) and what a binary file gives. Wall-clock times come with the server's CPU time
// (from /proc), which a loaded machine disturbs less. For attribution it also times the same core calls in this
// process.
// A benchmark, not a test: it prints and never fails on a missed target.
// AMI_BENCH_NVIM=0 skips Neovim, AMI_BENCH_HUGE=0 the 20 MB file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  RenameRequest,
  type CompletionItem,
  type CompletionList,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from '../core/src/language/languageService';
import { LspSession, serverNodeFlags, serverPath } from '../test/lsp/lspHarness';
import { generateScript } from './lspScript';

const blockCount = Number(process.env.AMI_BENCH_BLOCKS ?? 10_000);
const samples = Number(process.env.AMI_BENCH_SAMPLES ?? 300);
const targets = { firstDiagnosticsMs: 100, completionP95Ms: 5, hoverP95Ms: 5, rssMb: 150, hugeRequestMs: 2000, hugeRssMb: 600 };

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function summarise(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

/** CPU time (user + system, all threads) the process has used so far, in ms (10 ms resolution). */
function cpuTimeOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * Sets the process's peak RSS (VmHWM) back to its current RSS, so the next reading is the peak of what runs in
 * between (Linux ≥ 4.0: `5` to /proc/PID/clear_refs). False where that is not allowed.
 */
function resetPeakOf(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function completionCount(result: CompletionList | CompletionItem[] | null): number {
  if (!result) return 0;
  return Array.isArray(result) ? result.length : result.items.length;
}

async function main(): Promise<void> {
  // Both texts are made before the server starts: the bench's own garbage from making one must not be collected
  // while it sends it.
  const text = generateScript(blockCount);
  const cleanText = generateScript(blockCount, false);
  const uri = 'file:///bench/large.ami';
  const lineCount = text.split('\n').length;
  console.log(`AMI language server benchmark: ${serverPath}`);
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  console.log(`machine: ${cpus().length} CPUs, load average ${load} (latencies are noisy when the load exceeds the CPUs)`);
  console.log(`document: ${blockCount} blocks, ${lineCount} lines, ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(2)} MB; ${samples} samples per request kind`);

  const spawnedAt = performance.now();
  const session = LspSession.start();
  try {
    await session.initialize({ asteriskVersion: '23' });
    const startupMs = performance.now() - spawnedAt;

    // The same file without mistakes first (no did-you-mean work), then closed again.
    const cleanUri = 'file:///bench/clean.ami';
    const cleanFirst = await timeFirstDiagnostics(session, cleanUri, cleanText);
    await session.close(cleanUri);
    const first = await timeFirstDiagnostics(session, uri, text);

    // Typing in the middle of the file: each sample is one keystroke (incremental change) followed at once by a
    // completion and a hover request, as an editor does. Edits alternate between two value characters.
    let document = TextDocument.create(uri, 'ami', 1, text);
    const middle = Math.floor(lineCount / 2);
    let editLine = middle;
    while (!document.getText({ start: { line: editLine, character: 0 }, end: { line: editLine, character: 6 } }).startsWith('Exten:')) editLine++;
    const actionLine = editLine - 3; // `Action: Originate` of the same block
    const completionLatencies: number[] = [];
    const valueCompletionLatencies: number[] = [];
    const hoverLatencies: number[] = [];
    let items = 0;
    for (let sample = 0; sample < samples; sample++) {
      const at = { line: editLine, character: 'Exten: '.length };
      const version = await session.edit(uri, { start: at, end: at }, String(sample % 10));
      document = TextDocument.update(document, [{ range: { start: at, end: at }, text: String(sample % 10) }], version);

      let started = performance.now();
      const headers = await session.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: editLine + 1, character: 0 },
      });
      completionLatencies.push(performance.now() - started);
      items = completionCount(headers);

      started = performance.now();
      await session.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: actionLine, character: 'Action: Orig'.length },
      });
      valueCompletionLatencies.push(performance.now() - started);

      started = performance.now();
      await session.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: actionLine, character: 'Action: Orig'.length },
      });
      hoverLatencies.push(performance.now() - started);
    }

    // Diagnostics after an edit: the debounce (150 ms) plus one validation of the whole file.
    const editedAt = performance.now();
    const at = { line: editLine, character: 'Exten: '.length };
    const version = await session.edit(uri, { start: at, end: at }, '9');
    await session.diagnosticsFor(uri, version);
    const diagnosticsAfterEditMs = performance.now() - editedAt;

    const memory = memoryOf(session.pid);
    const completion = summarise(completionLatencies);
    const actionCompletion = summarise(valueCompletionLatencies);
    const hover = summarise(hoverLatencies);

    console.log('');
    console.log('over the server process, vscode-jsonrpc client (round trip)   measured           target');
    console.log(`  server start (spawn → initialize answered)    ${ms(startupMs).padStart(10)}`);
    console.log(firstDiagnosticsLine('file without mistakes', cleanFirst));
    console.log(firstDiagnosticsLine('1 block in 16 wrong', first));
    console.log(`  header completion after an edit (${items} items)  p50 ${ms(completion.p50)} p95 ${ms(completion.p95)}   p95 ≤ ${targets.completionP95Ms} ms   ${verdict(completion.p95 <= targets.completionP95Ms)}`);
    console.log(`  action completion after an edit               p50 ${ms(actionCompletion.p50)} p95 ${ms(actionCompletion.p95)}   p95 ≤ ${targets.completionP95Ms} ms   ${verdict(actionCompletion.p95 <= targets.completionP95Ms)}`);
    console.log(`  hover after an edit                           p50 ${ms(hover.p50)} p95 ${ms(hover.p95)}   p95 ≤ ${targets.hoverP95Ms} ms   ${verdict(hover.p95 <= targets.hoverP95Ms)}`);
    console.log(`  diagnostics after an edit (150 ms debounce + validation)  ${ms(diagnosticsAfterEditMs)}`);
    console.log(`  server RSS now (VmRSS)                        ${memory.rssMb.toFixed(1).padStart(9)} MB   ≤ ${targets.rssMb} MB   ${verdict(memory.rssMb <= targets.rssMb)}`);
    console.log(`  server RSS peak (VmHWM)                       ${memory.peakMb.toFixed(1).padStart(9)} MB   ≤ ${targets.rssMb} MB   ${verdict(memory.peakMb <= targets.rssMb)}`);

    // Attribution: the same work in this process, without transport (JSON, pipes).
    const service = getLanguageService();
    const fresh = TextDocument.create(uri, 'ami', 1, text);
    let started = performance.now();
    service.doValidation(fresh, { asteriskVersion: '23' });
    const coldValidation = performance.now() - started;
    const edited = TextDocument.update(fresh, [{ range: { start: at, end: at }, text: '1' }], 2);
    started = performance.now();
    service.doValidation(edited, { asteriskVersion: '23' });
    const warmValidation = performance.now() - started;
    const inProcess = (run: () => unknown): { p50: number; p95: number; max: number } => {
      const times: number[] = [];
      for (let sample = 0; sample < samples; sample++) {
        const begin = performance.now();
        run();
        times.push(performance.now() - begin);
      }
      return summarise(times);
    };
    const coreCompletion = inProcess(() => service.doComplete(edited, { line: editLine + 1, character: 0 }, { asteriskVersion: '23' }));
    const coreActionCompletion = inProcess(() =>
      service.doComplete(edited, { line: actionLine, character: 'Action: Orig'.length }, { asteriskVersion: '23' }),
    );
    const coreHover = inProcess(() => service.doHover(edited, { line: actionLine, character: 'Action: Orig'.length }, { asteriskVersion: '23' }));
    const actionItems = service.doComplete(edited, { line: actionLine, character: 'Action: Orig'.length }, { asteriskVersion: '23' });
    console.log('');
    console.log('the same core calls in this process (no transport), for attribution');
    console.log(`  doValidation, first parse                     ${ms(coldValidation)}`);
    console.log(`  doValidation, after an edit                   ${ms(warmValidation)}`);
    console.log(`  doComplete (header)                           p50 ${ms(coreCompletion.p50)} p95 ${ms(coreCompletion.p95)}`);
    console.log(`  doComplete (action, ${actionItems.items.length} items, ${(JSON.stringify(actionItems).length / 1024).toFixed(0)} KB JSON)   p50 ${ms(coreActionCompletion.p50)} p95 ${ms(coreActionCompletion.p95)}`);
    console.log(`  doHover (action)                              p50 ${ms(coreHover.p50)} p95 ${ms(coreHover.p95)}`);

    const errors = session.logs.filter((log) => log.type === 1);
    if (errors.length > 0) console.log(`\nserver logged ${errors.length} error(s); first: ${errors[0].message}`);
    await session.shutdown();
  } finally {
    session.dispose();
  }

  await benchIpc(cleanText);
  if (process.env.AMI_BENCH_NVIM !== '0') await benchNeovim(text, editLineOf(text));
  if (process.env.AMI_BENCH_HUGE !== '0') await benchHugeFile();
}

/** A document's first diagnostics: how many, wall time and the server's CPU time. */
interface FirstDiagnostics {
  found: number;
  wallMs: number;
  cpuMs: number;
}

/** Time to first diagnostics: didOpen sent → publishDiagnostics received (includes sending the text). */
async function timeFirstDiagnostics(session: LspSession, uri: string, text: string): Promise<FirstDiagnostics> {
  const cpuBefore = cpuTimeOf(session.pid);
  const openedAt = performance.now();
  const published = session.diagnostics(uri);
  await session.open(uri, text);
  const found = (await published).diagnostics.length;
  return { found, wallMs: performance.now() - openedAt, cpuMs: cpuTimeOf(session.pid) - cpuBefore };
}

/** The printed row of a first-diagnostics figure against its target. */
function firstDiagnosticsLine(file: string, { found, wallMs, cpuMs }: FirstDiagnostics): string {
  return `  first diagnostics, ${file} (${String(found).padStart(4)} found) ${ms(wallMs).padStart(10)} (server CPU ${ms(cpuMs)})   ≤ ${targets.firstDiagnosticsMs} ms   ${verdict(wallMs <= targets.firstDiagnosticsMs)}`;
}

/**
 * The clean file's first diagnostics through Node IPC, the transport VS Code's client uses (the target is stated over
 * stdio, above): a fresh server, the same file, the same client library.
 */
async function benchIpc(cleanText: string): Promise<void> {
  const session = LspSession.startIpc();
  try {
    await session.initialize({ asteriskVersion: '23' });
    const first = await timeFirstDiagnostics(session, 'file:///bench/clean.ami', cleanText);
    console.log('');
    console.log("through Node IPC (--node-ipc, VS Code's transport), a fresh server");
    console.log(firstDiagnosticsLine('file without mistakes', first));
    await session.shutdown();
  } finally {
    session.dispose();
  }
}

/** The line of an `Exten:` header near the middle of `text` (where the typing samples edit). */
function editLineOf(text: string): number {
  const lines = text.split('\n');
  let line = Math.floor(lines.length / 2);
  while (!lines[line].startsWith('Exten:')) line++;
  return line;
}

/**
 * The same typing measurements through Neovim's LSP client (bench/nvimClient.lua): its own JSON-RPC framing,
 * change tracking and incremental sync, in a headless Neovim. Skipped with the reason when nvim is missing.
 */
async function benchNeovim(text: string, editLine: number): Promise<void> {
  console.log('');
  const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.log(`through Neovim's client: skipped (nvim not found: ${version.error?.message ?? version.stderr}); install Neovim ≥ 0.7 to measure it`);
    return;
  }
  const directory = mkdtempSync(join(tmpdir(), 'ami-bench-nvim-'));
  try {
    const file = join(directory, 'large.ami');
    const output = join(directory, 'result.json');
    writeFileSync(file, text);
    const nvimSamples = Math.min(samples, 200);
    const run = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${join(__dirname, 'nvimClient.lua')}`], {
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        ...process.env,
        AMI_NVIM_OUT: output,
        AMI_NVIM_SAMPLES: String(nvimSamples),
        AMI_NVIM_EDIT_LINE: String(editLine),
        AMI_NVIM_ACTION_LINE: String(editLine - 3),
        AMI_NVIM_NODE: process.execPath,
        AMI_NVIM_NODE_OPTIONS: serverNodeFlags().join(' '),
        AMI_NVIM_SERVER: serverPath,
        AMI_NVIM_ROOT: directory,
        AMI_NVIM_FILE: file,
      },
    });
    let result: NeovimResult;
    try {
      result = JSON.parse(readFileSync(output, 'utf8')) as NeovimResult;
    } catch {
      console.log(`through Neovim's client: no result (exit ${run.status}, ${run.error?.message ?? ''} ${run.stderr.slice(0, 300)})`);
      return;
    }
    const nvimVersion = version.stdout.split('\n')[0];
    if (result.error) {
      console.log(`through Neovim's client (${nvimVersion}): failed: ${result.error}`);
      return;
    }
    const header = summarise(result.header_completion_ms);
    const action = summarise(result.action_completion_ms);
    const hover = summarise(result.hover_ms);
    console.log(`through Neovim's client (${nvimVersion}, headless; its Lua JSON-RPC framing and incremental sync), ${nvimSamples} samples`);
    console.log(`  server start (client started → initialized)   ${ms(result.initialize_ms).padStart(10)}`);
    console.log(`  first diagnostics, 1 block in 16 wrong (${String(result.first_diagnostics_count).padStart(4)} found)  ${ms(result.first_diagnostics_ms).padStart(10)}${result.first_diagnostics_server_cpu_ms === undefined ? '' : ` (server CPU ${ms(result.first_diagnostics_server_cpu_ms)})`}   ≤ ${targets.firstDiagnosticsMs} ms   ${verdict(result.first_diagnostics_ms <= targets.firstDiagnosticsMs)}`);
    if (result.open_prep_ms !== undefined) console.log(`    of which Neovim making didOpen's JSON (buffer text, encode; timed after)  ${ms(result.open_prep_ms)}`);
    console.log(`  header completion after an edit (${result.header_items} items)  p50 ${ms(header.p50)} p95 ${ms(header.p95)}   p95 ≤ ${targets.completionP95Ms} ms   ${verdict(header.p95 <= targets.completionP95Ms)}`);
    console.log(`  action completion after an edit (${result.action_items} items) p50 ${ms(action.p50)} p95 ${ms(action.p95)}   p95 ≤ ${targets.completionP95Ms} ms   ${verdict(action.p95 <= targets.completionP95Ms)}`);
    console.log(`  hover after an edit                           p50 ${ms(hover.p50)} p95 ${ms(hover.p95)}   p95 ≤ ${targets.hoverP95Ms} ms   ${verdict(hover.p95 <= targets.hoverP95Ms)}`);
    if (result.server_peak_kb) console.log(`  server RSS peak (VmHWM)                       ${(result.server_peak_kb / 1024).toFixed(1).padStart(9)} MB`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

interface NeovimResult {
  error?: string;
  initialize_ms: number;
  first_diagnostics_ms: number;
  first_diagnostics_count: number;
  /** The server's CPU time from attaching the buffer to the first diagnostics (10 ms ticks). */
  first_diagnostics_server_cpu_ms?: number;
  /** What Neovim spends on the buffer's text and didOpen's JSON, timed once more after the run. */
  open_prep_ms?: number;
  header_items: number;
  action_items: number;
  header_completion_ms: number[];
  action_completion_ms: number[];
  hover_ms: number[];
  server_peak_kb?: number;
}

/**
 * A 20 MB script (130,000 blocks, 1 in 16 wrong): every kind of request, each answered within 2 s, and the
 * server's peak RSS within 600 MB (issue 11); then a 1 MB binary file and a file of NULs in the same server.
 */
async function benchHugeFile(): Promise<void> {
  const hugeBlocks = Number(process.env.AMI_BENCH_HUGE_BLOCKS ?? 130_000);
  const text = generateScript(hugeBlocks, true, 20 * 1024 * 1024);
  const uri = 'file:///bench/huge.ami';
  const lineCount = text.split('\n').length;
  console.log('');
  console.log(`huge document: ${hugeBlocks} blocks, ${lineCount} lines, ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MB (vscode-jsonrpc client)`);
  // Each row's peak RSS is the server's high-water mark reset just before the request: which request needs the
  // memory, not only how much the whole run needed.
  console.log('  request                                   wall        server CPU   peak RSS   answer            target');
  const session = LspSession.start();
  // Seconds per step on a quiet machine, but a loaded one can stretch that far: wait, and print what it took.
  session.waitLimitMs = 600_000;
  try {
    await session.initialize({ asteriskVersion: '23' });
    // The run's peak across rows (each row resets the high-water mark), with what came between them.
    let runPeakMb = 0;
    const row = async (label: string, run: () => Promise<unknown>, describe: (answer: unknown) => string): Promise<unknown> => {
      runPeakMb = Math.max(runPeakMb, memoryOf(session.pid).peakMb);
      const peakWasReset = resetPeakOf(session.pid);
      const cpuBefore = cpuTimeOf(session.pid);
      const started = performance.now();
      const answer = await run();
      const wall = performance.now() - started;
      const cpu = cpuTimeOf(session.pid) - cpuBefore;
      const peakMb = memoryOf(session.pid).peakMb;
      runPeakMb = Math.max(runPeakMb, peakMb);
      const peak = peakWasReset ? `${peakMb.toFixed(1)} MB` : '—';
      console.log(`  ${label.padEnd(40)} ${ms(wall).padStart(11)} ${ms(cpu).padStart(12)} ${peak.padStart(10)}   ${describe(answer).padEnd(16)}  ≤ ${targets.hugeRequestMs} ms ${verdict(wall <= targets.hugeRequestMs)}`);
      return answer;
    };
    const count = (answer: unknown): string => (Array.isArray(answer) ? `${answer.length} items` : answer === null ? 'null' : 'answer');
    const document = { textDocument: { uri } };
    const editLine = editLineOf(text);
    const actionLine = editLine - 3;
    const formatting = { tabSize: 2, insertSpaces: true };

    await row('first diagnostics (didOpen → publish)', async () => {
      const published = session.diagnostics(uri);
      await session.open(uri, text);
      return (await published).diagnostics;
    }, count);
    await row('documentSymbol', () => session.connection.sendRequest(DocumentSymbolRequest.type, document), count);
    await row('foldingRange', () => session.connection.sendRequest(FoldingRangeRequest.type, document), count);
    await row('formatting (whole file)', () => session.connection.sendRequest(DocumentFormattingRequest.type, { ...document, options: formatting }), count);
    await row('rangeFormatting (one block)', () =>
      session.connection.sendRequest(DocumentRangeFormattingRequest.type, {
        ...document,
        range: { start: { line: actionLine, character: 0 }, end: { line: editLine + 3, character: 0 } },
        options: formatting,
      }), count);
    await row('completion (headers)', () => session.connection.sendRequest(CompletionRequest.type, { ...document, position: { line: editLine + 1, character: 0 } }),
      (answer) => `${completionCount(answer as CompletionList)} items`);
    await row('completion (actions)', () => session.connection.sendRequest(CompletionRequest.type, { ...document, position: { line: actionLine, character: 12 } }),
      (answer) => `${completionCount(answer as CompletionList)} items`);
    await row('hover', () => session.connection.sendRequest(HoverRequest.type, { ...document, position: { line: actionLine, character: 12 } }), count);
    await row('definition ({{peer}})', () => session.connection.sendRequest(DefinitionRequest.type, { ...document, position: { line: actionLine + 1, character: 12 } }), count);
    await row('codeAction', () =>
      session.connection.sendRequest(CodeActionRequest.type, {
        ...document,
        range: { start: { line: actionLine, character: 0 }, end: { line: actionLine, character: 0 } },
        context: { diagnostics: [] },
      }), count);
    await row('prepareRename ({{peer}})', () => session.connection.sendRequest(PrepareRenameRequest.type, { ...document, position: { line: actionLine + 1, character: 12 } }), count);
    await row('rename (@peer, every use)', () =>
      session.connection.sendRequest(RenameRequest.type, { ...document, position: { line: actionLine + 1, character: 12 }, newName: 'caller' }),
      (answer) => `${(answer as { changes?: Record<string, unknown[]> } | null)?.changes?.[uri]?.length ?? 0} edits`);
    await row('diagnostics after an edit (+150 ms debounce)', async () => {
      const at = { line: editLine, character: 'Exten: '.length };
      const version = await session.edit(uri, { start: at, end: at }, '9');
      return (await session.diagnosticsFor(uri, version)).diagnostics;
    }, count);
    await row('completion right after that edit', async () => {
      const at = { line: editLine, character: 'Exten: '.length };
      await session.edit(uri, { start: at, end: at }, '8');
      return session.connection.sendRequest(CompletionRequest.type, { ...document, position: { line: editLine + 1, character: 0 } });
    }, (answer) => `${completionCount(answer as CompletionList)} items`);
    const peakMb = Math.max(runPeakMb, memoryOf(session.pid).peakMb);
    console.log(`  server RSS peak (VmHWM, whole run)        ${peakMb.toFixed(1).padStart(9)} MB                                             ≤ ${targets.hugeRssMb} MB ${verdict(peakMb <= targets.hugeRssMb)}`);
    await session.close(uri);

    // Hostile files: a 1 MB binary file (pseudo-random bytes) and an interrupted save (a file of NULs).
    let state = 1;
    const binary = Buffer.from(
      new Uint8Array(1 << 20).map(() => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state >>> 24;
      }),
    );
    for (const [name, content] of [
      ['1 MB binary file', binary.toString('utf8')],
      ['64 KB of NULs', '\u0000'.repeat(65536)],
    ] as const) {
      const hostileUri = `file:///bench/${name.replace(/\W+/g, '-')}.ami`;
      await row(`${name}: first diagnostics`, async () => {
        const published = session.diagnostics(hostileUri);
        await session.open(hostileUri, content);
        return (await published).diagnostics;
      }, (answer) => `${(answer as unknown[]).length} (${[...new Set((answer as Array<{ code: string }>).map((d) => d.code))].join(', ')})`);
      await session.close(hostileUri);
    }
    const errors = session.logs.filter((log) => log.type === 1);
    if (errors.length > 0) console.log(`  server logged ${errors.length} error(s); first: ${errors[0].message.slice(0, 300)}`);
    console.log(`  server alive at the end: ${session.alive ? 'yes' : 'NO'}`);
    await session.shutdown();
  } finally {
    session.dispose();
  }
}

if (require.main === module) main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
