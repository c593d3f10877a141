/**
 * The bench set of AMI event streams for bench/stream.ts: files (raw or .gz), folders of them, and a
 * synthetic VarSet-heavy stream assembled from the recorded messages of a real Asterisk 23.4.1
 * (../shared/ami-captures), for use until streams recorded from a live Asterisk land in bench/streams/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(__dirname, '..');
/** ../shared beside the checkout (a worktree may sit one level deeper); AMI_SHARED_DIR overrides. */
const SHARED = process.env.AMI_SHARED_DIR ?? [resolve(ROOT, '..', 'shared'), resolve(ROOT, '..', '..', 'shared')].find((dir) => existsSync(dir)) ?? resolve(ROOT, '..', 'shared');
/** The shared 2,000-call capture (../shared/bench/README.md). */
export const SHARED_STREAM = join(SHARED, 'bench', 'ami-stream-2000-calls.raw.gz');
/** Streams recorded from a live Asterisk, committed with the repository. */
export const RECORDED_STREAMS_DIR = join(ROOT, 'bench', 'streams');
const CAPTURES = join(SHARED, 'ami-captures');
/** The name that selects the synthetic stream in `--stream`. */
export const SYNTHETIC_VARSET = 'synthetic:varset';

/** One stream of the bench set, as the bytes the replay server sends. */
export interface BenchStream {
  /** File path, or `synthetic:…`. */
  name: string;
  bytes: Buffer;
}

const STREAM_FILE = /\.(raw|txt|ami)(\.gz)?$/;

/**
 * Resolves `--stream` arguments (files, folders, `synthetic:varset`) to streams; with none, the default set:
 * the shared stream, every stream in bench/streams/, and the synthetic VarSet stream.
 */
export function loadBenchSet(specs: string[]): BenchStream[] {
  const chosen = specs.length > 0 ? specs : [SHARED_STREAM, ...(existsSync(RECORDED_STREAMS_DIR) ? [RECORDED_STREAMS_DIR] : []), SYNTHETIC_VARSET];
  const streams: BenchStream[] = [];
  for (const spec of chosen) {
    if (spec === SYNTHETIC_VARSET) {
      streams.push({ name: SYNTHETIC_VARSET, bytes: synthesiseVarSetStream() });
      continue;
    }
    const path = resolve(spec);
    if (!existsSync(path)) throw new Error(`Stream not found: ${path} (give a capture file, a folder of them, or ${SYNTHETIC_VARSET})`);
    if (statSync(path).isDirectory()) {
      const files = readdirSync(path).filter((file) => STREAM_FILE.test(file)).sort();
      if (files.length === 0) throw new Error(`No stream files (*.raw, *.raw.gz, *.txt) in ${path}`);
      for (const file of files) streams.push(readStream(join(path, file)));
    } else {
      streams.push(readStream(path));
    }
  }
  return streams;
}

function readStream(path: string): BenchStream {
  const raw = readFileSync(path);
  return { name: path, bytes: path.endsWith('.gz') ? gunzipSync(raw) : raw };
}

/** Messages (without their closing blank line) of a capture file, banner and responses dropped. */
function captureEvents(file: string): string[] {
  const text = readFileSync(join(CAPTURES, file), 'latin1');
  return text
    .split('\r\n\r\n')
    .filter((message) => message.startsWith('Event: ') && !/^Event: (FullyBooted|SuccessfulAuth)\r\n/.test(message));
}

/** Variables a production dialplan sets on every call (what makes live streams VarSet-heavy). */
const DIALPLAN_VARIABLES: Array<[string, (call: number) => string]> = [
  ['__FROM_DID', (call) => `+4930${(1_000_000 + call).toString()}`],
  ['__CALLTYPE', (call) => (call % 3 === 0 ? 'inbound' : 'outbound')],
  ['CDR(accountcode)', (call) => `acct-${call % 17}`],
  ['CDR(userfield)', (call) => `campaign=${call % 5};agent=${call % 23}`],
  ['MIXMONITOR_FILENAME', (call) => `/var/spool/asterisk/monitor/2026/12/06/out-${call}.wav`],
  ['CHANNEL(language)', () => 'en'],
  ['CALLERID(name)', (call) => `Caller ${call}`],
  ['QUEUEPOSITION', (call) => String(1 + (call % 7))],
  ['DIALEDPEERNUMBER', (call) => `test/${100 + (call % 9)}`],
  ['DIALSTATUS', (call) => (call % 11 === 0 ? 'NOANSWER' : 'ANSWER')],
  ['ANSWEREDTIME', (call) => String(call % 60)],
  ['DIALEDTIME', (call) => String(3 + (call % 60))],
  ['BRIDGEPEER', (call) => `Local/100@test-${hex(call)};2`],
  ['BRIDGEPVTCALLID', () => ''],
  ['RTPAUDIOQOS', (call) => `ssrc=${1000 + call};themssrc=${2000 + call};lp=0;rxjitter=0.000${call % 10};rxcount=${call % 500}`],
  ['HANGUPCAUSE', () => '16'],
];

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * A 900-call stream in the shape of a busy production PBX: 40 calls in progress at once, their events
 * interleaved; each call is the event sequence of a real originated call (captures 16 and 17, alternating)
 * plus 16 dialplan VarSets per channel built on the real VarSet message. Ids and channel names are
 * renumbered per call. Deterministic, so every run replays the same bytes.
 */
export function synthesiseVarSetStream(calls = 900, concurrent = 40): Buffer {
  const templates = [captureEvents('16-originate-local-exten-async.txt'), captureEvents('17-originate-local-app-playback-async.txt')];
  if (templates.some((events) => !events.some((message) => message.startsWith('Event: VarSet\r\n')))) {
    throw new Error(`Captures in ${CAPTURES} lack the call events this stream is built from`);
  }
  const perCall = (call: number): string[] => {
    const base = templates[call % 2];
    // Dialplan VarSets go after the call's first VarSet (where the real dialplan runs), on both channels,
    // each with the channel snapshot (Channel … Linkedid) of that leg's first event, as Asterisk sends them.
    const at = base.findIndex((message) => message.startsWith('Event: VarSet\r\n'));
    const extra: string[] = [];
    for (const leg of [';1\r\n', ';2\r\n']) {
      const snapshot = /\r\n(Channel: [^\r]*\r\n[\s\S]*?\r\nLinkedid: [^\r]*)/.exec(base.find((message) => message.includes(leg) && /\r\nLinkedid: /.test(message)) ?? '')?.[1];
      if (snapshot === undefined) throw new Error('A call in the captures lacks a channel snapshot');
      for (const [name, value] of DIALPLAN_VARIABLES) {
        extra.push(`Event: VarSet\r\nPrivilege: dialplan,all\r\n${snapshot}\r\nVariable: ${name}\r\nValue: ${value(call)}`);
      }
    }
    const events = [...base.slice(0, at + 1), ...extra, ...base.slice(at + 1)];
    // Renumber: each recorded Uniqueid/Linkedid and Local channel sequence becomes this call's own.
    const ids = new Map<string, string>();
    const channels = new Map<string, string>();
    return events.map((message) =>
      message
        .replace(/\b(\d{10})\.(\d+)\b/g, (id) => {
          if (!ids.has(id)) ids.set(id, `${1_796_000_000 + Math.floor(call / 10)}.${call * 4 + ids.size}`);
          return ids.get(id) as string;
        })
        .replace(/@test-([0-9a-f]{8})/g, (_match, seq: string) => {
          if (!channels.has(seq)) channels.set(seq, hex(call * 2 + channels.size));
          return `@test-${channels.get(seq) as string}`;
        }),
    );
  };
  const parts: string[] = [
    'Asterisk Call Manager/12.0.0\r\n',
    'Response: Success\r\nActionID: login\r\nMessage: Authentication accepted\r\n\r\n',
  ];
  const active: Array<{ events: string[]; next: number }> = [];
  let started = 0;
  while (started < calls || active.length > 0) {
    while (active.length < concurrent && started < calls) active.push({ events: perCall(started++), next: 0 });
    // One event from each call in progress per round: their events interleave as they do live.
    for (let k = 0; k < active.length; k++) {
      const call = active[k];
      parts.push(call.events[call.next++], '\r\n\r\n');
      if (call.next === call.events.length) active.splice(k--, 1);
    }
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** A short label for tables: the file name, or the synthetic stream's name. */
export function streamLabel(stream: BenchStream): string {
  return stream.name.startsWith('synthetic:') ? stream.name : basename(stream.name);
}
