// `npm run bench:live`: live values in the language server (issue 13). Two server processes in the same run,
// the same document and the same typing: one with no live values (the anchor), one given 1,000 live channels, a
// 500-extension dialplan and a queue through `ami/setLiveValues`. Prints completion p50/p95 after an edit, the
// RSS the live values add, and the refresh traffic per minute of a simulated busy PBX (LiveSync with a manual
// clock: list answers and events built in memory, deltas measured as the JSON sent). A benchmark, not a test:
// it prints and never fails on a missed target.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CompletionRequest, HoverRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol/node';
import { LiveState } from '../core/src/live/liveState';
import { LiveSync, type LiveSyncConnection } from '../core/src/live/liveSync';
import { ManualClock } from '../core/src/session/clock';
import { AmiDecoder } from '../core/src/wire/decoder';
import type { AmiMessage } from '../core/src/wire/types';
import { LiveValuesNotification } from '../protocol/src/lspExtensions';
import { LspSession } from '../test/lsp/lspHarness';

const channelCount = Number(process.env.AMI_BENCH_CHANNELS ?? 1000);
const extenCount = Number(process.env.AMI_BENCH_EXTENS ?? 500);
const samples = Number(process.env.AMI_BENCH_SAMPLES ?? 300);
/** Calls started (and ended) per minute in the traffic simulation; each call is two channels. */
const callsPerMinute = Number(process.env.AMI_BENCH_CALLS_PER_MINUTE ?? 300);
const targets = { completionP95Ms: 5, addedRssMb: 20 };

function decode(text: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((message) => out.push(message));
  decoder.push(Buffer.from(`Asterisk Call Manager/12.0.0\r\n${text.replace(/\n/g, '\r\n')}\r\n`, 'latin1'));
  return out.filter((message) => message.kind === 'event');
}

const channelName = (n: number): string => `PJSIP/trunk-${String(n).padStart(8, '0')}`;

function newChannel(n: number, now: number): string {
  return [
    'Event: Newchannel', 'Privilege: call,all', `Channel: ${channelName(n)}`, 'ChannelState: 6', 'ChannelStateDesc: Up',
    `CallerIDNum: ${2000 + (n % 5000)}`, 'CallerIDName: Bench', 'ConnectedLineNum: <unknown>', 'ConnectedLineName: <unknown>',
    'Language: en', 'AccountCode: ', 'Context: bench', `Exten: ${100 + (n % extenCount)}`, 'Priority: 1',
    `Uniqueid: ${Math.floor(now / 1000)}.${n}`, `Linkedid: ${Math.floor(now / 1000)}.${n - (n % 2)}`, '', '',
    'Event: Newexten', 'Privilege: dialplan,all', `Channel: ${channelName(n)}`, 'Context: bench', `Extension: ${100 + (n % extenCount)}`,
    'Priority: 2', 'Application: Wait', 'AppData: 30', `Uniqueid: ${Math.floor(now / 1000)}.${n}`, '', '',
  ].join('\n');
}

function hangup(n: number): string {
  return ['Event: Hangup', 'Privilege: call,all', `Channel: ${channelName(n)}`, 'Cause: 16', 'Cause-txt: Normal Clearing', '', ''].join('\n');
}

function dialplanItems(): AmiMessage[] {
  const lines: string[] = [];
  for (let e = 0; e < extenCount; e++) {
    for (const [priority, app, data] of [[1, 'Answer', ''], [2, 'Wait', '30'], [3, 'Playback', 'demo-congrats'], [4, 'Hangup', '']] as const) {
      lines.push('Event: ListDialplan', 'Context: bench', `Extension: ${100 + e}`, `Priority: ${priority}`, `Application: ${app}`, `AppData: ${data}`, 'Registrar: pbx_config', '', '');
    }
  }
  return decode(lines.join('\n'));
}

function queueItems(): AmiMessage[] {
  const lines = ['Event: QueueParams', 'Queue: support', 'Strategy: ringall', '', ''];
  for (let m = 0; m < 20; m++) lines.push('Event: QueueMember', 'Queue: support', `Name: Agent ${m}`, `Location: PJSIP/agent-${m}`, `Status: ${m % 3 === 0 ? 2 : 1}`, `Paused: ${m % 5 === 0 ? 1 : 0}`, '', '');
  return decode(lines.join('\n'));
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}
const ms = (value: number): string => `${value.toFixed(2)} ms`;
const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

function count(result: CompletionList | CompletionItem[] | null): number {
  if (!result) return 0;
  return Array.isArray(result) ? result.length : result.items.length;
}

/** A document of Originate/Hangup/QueueStatus blocks; the bench types into its last lines. */
function script(): string {
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    lines.push(`# call ${i}`, 'Action: Originate', 'Channel: PJSIP/alice', 'Context: bench', `Exten: ${100 + (i % extenCount)}`, 'Priority: 1', '');
    lines.push('Action: Hangup', `Channel: ${channelName(i)}`, '');
  }
  lines.push('# not live: one information diagnostic', 'Action: Hangup', 'Channel: PJSIP/gone-00000001', '');
  lines.push('Action: Hangup', 'Channel: ', '', 'Action: Originate', 'Channel: PJSIP/alice', 'Context: bench', 'Exten: ', '');
  return lines.join('\n');
}

interface Timing {
  p50: number;
  p95: number;
  items: number;
}

/** Edit (type into a comment line) then complete at `line:character`, `samples` times. */
async function timeCompletion(session: LspSession, uri: string, line: number, character: number, editLine: number): Promise<Timing> {
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < samples; i++) {
    await session.edit(uri, { start: { line: editLine, character: 2 }, end: { line: editLine, character: 2 } }, 'x');
    const start = performance.now();
    const result = await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } });
    times.push(performance.now() - start);
    items = count(result);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), items };
}

async function timeHover(session: LspSession, uri: string, line: number, character: number): Promise<{ p95: number; text: string }> {
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    const result = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    times.push(performance.now() - start);
    text = result && typeof result.contents === 'object' && 'value' in result.contents ? result.contents.value : '';
  }
  times.sort((a, b) => a - b);
  return { p95: percentile(times, 0.95), text };
}

/** A PBX in memory behind LiveSync's connection interface: lists answered from its state, events pushed. */
class SimulatedPbx implements LiveSyncConnection {
  private listeners: Array<(event: AmiMessage) => void> = [];
  readonly live = new Set<number>();
  private readonly dialplan = dialplanItems();
  private readonly queue = queueItems();
  constructor(private readonly clock: ManualClock) {}

  onEvent(listener: (event: AmiMessage) => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  emit(text: string): void {
    for (const event of decode(text)) for (const listener of this.listeners) listener(event);
  }

  async send(headers: ReadonlyArray<readonly [string, string]>): Promise<{ success: boolean; events: AmiMessage[]; response: AmiMessage }> {
    const action = headers[0][1];
    const response = decode('Event: Response\nResponse: Success\n\n')[0];
    let events: AmiMessage[];
    if (action === 'CoreShowChannels') {
      events = decode([...this.live].map((n) => newChannel(n, this.clock.now()).split('\n\n')[0].replace('Event: Newchannel', 'Event: CoreShowChannel') + '\nApplication: Wait\nApplicationData: 30\nDuration: 00:01:00\n\n').join(''));
    } else if (action === 'ShowDialPlan') events = this.dialplan;
    else if (action === 'QueueStatus') events = this.queue;
    else return { success: false, events: [], response };
    return { success: true, events, response };
  }
}

async function trafficPerMinute(): Promise<{ bytesPerMinute: number; deltasPerMinute: number; amiBytesPerMinute: number; valuesPerMinute: number; resyncBytes: number }> {
  const clock = new ManualClock(Date.now());
  const pbx = new SimulatedPbx(clock);
  let next = 0;
  for (; next < channelCount; next++) {
    pbx.live.add(next);
  }
  const sync = new LiveSync({ connection: pbx, clock, publish: () => undefined, throttleMs: 500, refreshMs: 300_000, connectionName: 'bench' });
  await sync.start();
  const afterStart = { ...sync.stats };
  sync.flush();
  const baseline = { ...sync.stats };
  // Ten simulated minutes: every call (two channels) ends after a while and a new one starts, keeping ~channelCount live.
  const minutes = 10;
  const stepMs = 100;
  const perStep = (callsPerMinute * stepMs) / 60_000;
  let carry = 0;
  for (let t = 0; t < minutes * 60_000; t += stepMs) {
    carry += perStep;
    while (carry >= 1) {
      carry--;
      const oldest = [...pbx.live].slice(0, 2);
      for (const n of oldest) {
        pbx.live.delete(n);
        pbx.emit(hangup(n));
      }
      for (let k = 0; k < 2; k++, next++) {
        pbx.live.add(next);
        pbx.emit(newChannel(next, clock.now()));
      }
    }
    clock.advance(stepMs);
    await Promise.resolve();
  }
  sync.flush();
  const bytes = sync.stats.bytesToServer - baseline.bytesToServer;
  const ami = sync.stats.resyncBytes - afterStart.resyncBytes;
  sync.stop();
  return {
    bytesPerMinute: bytes / minutes,
    deltasPerMinute: (sync.stats.deltasSent - baseline.deltasSent - 1) / minutes,
    valuesPerMinute: (sync.stats.valuesSent - baseline.valuesSent) / minutes,
    amiBytesPerMinute: ami / minutes,
    resyncBytes: afterStart.resyncBytes,
  };
}

async function main(): Promise<void> {
  console.log(`bench:live — ${channelCount} live channels, ${extenCount}-extension dialplan, ${samples} samples; node ${process.version}, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('  (the machine is shared: compare the live server with the anchor server of the same run)');

  // The live values, as the client's model would send them on connect.
  const state = new LiveState();
  const now = Date.now();
  state.applyList('ShowDialPlan', { success: true, events: dialplanItems() }, now);
  state.applyList('QueueStatus', { success: true, events: queueItems() }, now);
  const events = decode(Array.from({ length: channelCount }, (_, n) => newChannel(n, now)).join(''));
  for (const event of events) state.applyEvent(event);
  state.complete.add('channel');
  const delta = state.takeDelta('bench')!;
  const deltaBytes = JSON.stringify(delta).length;

  const text = script();
  const lines = text.split('\n');
  const hangupLine = lines.lastIndexOf('Channel: ');
  const extenLine = lines.lastIndexOf('Exten: ');
  const uri = 'file:///bench/live.ami';
  const results: Record<string, { channel: Timing; exten: Timing; rss: number }> = {};
  let hover = { p95: 0, text: '' };
  for (const kind of ['anchor', 'live'] as const) {
    const session = LspSession.start();
    try {
      await session.initialize({});
      await session.open(uri, text);
      await session.diagnostics(uri, () => true, { includeLatest: true });
      if (kind === 'live') {
        await session.connection.sendNotification(LiveValuesNotification.type, delta);
        await session.diagnostics(uri, (params) => params.diagnostics.some((d) => d.source === 'ami-live'));
      }
      // Warm-up, then measured runs.
      await timeCompletion(session, uri, hangupLine, 'Channel: '.length, 0);
      const channel = await timeCompletion(session, uri, hangupLine, 'Channel: '.length, 0);
      const exten = await timeCompletion(session, uri, extenLine, 'Exten: '.length, 0);
      if (kind === 'live') hover = await timeHover(session, uri, 8, 12);
      await new Promise((resolve) => setTimeout(resolve, 300));
      results[kind] = { channel, exten, rss: rssMb(session.pid) };
    } finally {
      await session.shutdown().catch(() => session.dispose());
    }
  }
  const { anchor, live } = results;
  const added = live.rss - anchor.rss;
  console.log('');
  console.log(`  live values sent on connect: ${delta.upsert!.length} values, ${(deltaBytes / 1024).toFixed(0)} KB of JSON`);
  console.log('                                             anchor          live      ratio   target');
  const row = (label: string, a: number, l: number, target?: string, ok?: boolean): void =>
    console.log(`  ${label.padEnd(40)} ${ms(a).padStart(9)} ${ms(l).padStart(12)} ${(l / a).toFixed(2).padStart(8)}×   ${target ?? ''} ${ok === undefined ? '' : verdict(ok)}`);
  row(`Channel: completion p50 (${anchor.channel.items}→${live.channel.items} items)`, anchor.channel.p50, live.channel.p50);
  row('Channel: completion p95 after an edit', anchor.channel.p95, live.channel.p95, `≤ ${targets.completionP95Ms} ms`, live.channel.p95 <= targets.completionP95Ms);
  row(`Exten: completion p50 (${anchor.exten.items}→${live.exten.items} items)`, anchor.exten.p50, live.exten.p50);
  row('Exten: completion p95 after an edit', anchor.exten.p95, live.exten.p95, `≤ ${targets.completionP95Ms} ms`, live.exten.p95 <= targets.completionP95Ms);
  console.log(`  hover on a live channel p95                               ${ms(hover.p95).padStart(12)}             (${/live channel/.test(hover.text) ? 'shows the live state' : 'NO LIVE STATE'})`);
  console.log(`  server RSS                               ${anchor.rss.toFixed(1).padStart(6)} MB ${live.rss.toFixed(1).padStart(9)} MB ${(live.rss / anchor.rss).toFixed(2).padStart(8)}×`);
  console.log(`  RSS added by the live values                           ${added.toFixed(1).padStart(9)} MB            ≤ ${targets.addedRssMb} MB ${verdict(added <= targets.addedRssMb)}`);

  const traffic = await trafficPerMinute();
  console.log('');
  console.log(`  refresh traffic, simulated: ${channelCount} channels kept live, ${callsPerMinute} calls/min started and ended, throttle 500 ms, full resync every 5 min`);
  console.log(`    to the language server   ${(traffic.bytesPerMinute / 1024).toFixed(1).padStart(8)} KB/min in ${traffic.deltasPerMinute.toFixed(0)} deltas (${traffic.valuesPerMinute.toFixed(0)} values/min)`);
  console.log(`    from AMI (resync lists)  ${(traffic.amiBytesPerMinute / 1024).toFixed(1).padStart(8)} KB/min (one full resync reads ${(traffic.resyncBytes / 1024).toFixed(0)} KB; events are not counted: they arrive anyway)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
