// Records benchmark streams from a real Asterisk (a throwaway instance, see instance.ts) into bench/streams/:
// the exact bytes a passive listener (Login with Events: on) receives while another session originates calls.
//
//   node --import tsx scripts/asterisk/recordStreams.ts [--only queue-calls,varset-parallel] [--calls N]
//
// Streams (the dialplan is the instance's `bench` context):
// - queue-calls: calls into queue benchq (ringall, three Local members; one answers, the others are cancelled).
// - varset-parallel: many parallel calls through a dialplan that sets 16 variables each (VarSet-heavy).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { exitOnSignals } from '../e2e/cleanup';
import { repoRoot } from '../e2e/tools';
import { startAsterisk, type AsteriskTarget } from './instance';

interface StreamPlan {
  name: string;
  description: string;
  calls: number;
  callsPerSecond: number;
  originate: (n: number) => string;
  /** Seconds to keep listening after the last Originate (the calls end). */
  settleSeconds: number;
}

const plans: StreamPlan[] = [
  {
    name: 'queue-calls',
    description: 'calls into queue benchq (ringall, three Local members; one answers, the other two are cancelled)',
    calls: 400,
    callsPerSecond: 20,
    originate: (n) => `Action: Originate\r\nChannel: Local/800@bench\r\nApplication: Wait\r\nData: 4\r\nAsync: true\r\nActionID: q-${n}\r\n\r\n`,
    settleSeconds: 8,
  },
  {
    name: 'varset-parallel',
    description: 'parallel calls through a dialplan that sets 16 channel variables and the CDR userfield each',
    calls: 1500,
    callsPerSecond: 150,
    originate: (n) => `Action: Originate\r\nChannel: Local/700@bench\r\nApplication: Wait\r\nData: 1\r\nAsync: true\r\nActionID: v-${n}\r\n\r\n`,
    settleSeconds: 6,
  },
];

function login(target: AsteriskTarget, events: 'on' | 'off'): Promise<{ socket: Socket; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: target.host, port: target.port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).includes('Response: Success')) resolve({ socket, chunks });
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(`Action: Login\r\nUsername: ${target.admin.username}\r\nSecret: ${target.admin.secret}\r\nEvents: ${events}\r\n\r\n`),
    );
  });
}

async function record(target: AsteriskTarget, plan: StreamPlan): Promise<{ bytes: Buffer; events: number }> {
  const listener = await login(target, 'on');
  const driver = await login(target, 'off');
  const started = Date.now();
  for (let n = 0; n < plan.calls; n++) {
    const due = started + (n * 1000) / plan.callsPerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    driver.socket.write(plan.originate(n));
  }
  await new Promise((resolve) => setTimeout(resolve, plan.settleSeconds * 1000));
  driver.socket.end('Action: Logoff\r\n\r\n');
  listener.socket.destroy();
  const bytes = Buffer.concat(listener.chunks);
  const events = bytes.toString('latin1').split('\r\n\r\n').filter((m) => m.startsWith('Event:')).length;
  return { bytes, events };
}

async function main(): Promise<void> {
  exitOnSignals();
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
  const outDir = join(repoRoot, 'bench', 'streams');
  mkdirSync(outDir, { recursive: true });
  const target = await startAsterisk();
  try {
    const version = (await target.cli('core show version')).trim().split(' ').slice(0, 2).join(' ');
    for (const plan of plans.filter((p) => !only || only.includes(p.name))) {
      const { bytes, events } = await record(target, plan);
      const file = join(outDir, `${plan.name}.raw.gz`);
      writeFileSync(file, gzipSync(bytes, { level: 9 }));
      const counts = new Map<string, number>();
      for (const match of bytes.toString('latin1').matchAll(/^Event: (\S+)/gm)) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
      const top = [...counts].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(', ');
      writeFileSync(
        join(outDir, `${plan.name}.md`),
        `# ${plan.name}.raw.gz\n\nRecorded ${new Date().toISOString().slice(0, 10)} from ${version} (scripts/asterisk/recordStreams.ts): the exact bytes a passive\n` +
          `listener (Login with Events: on) received while another session originated ${plan.calls} ${plan.description},\n` +
          `at ${plan.callsPerSecond} calls/s. ${bytes.length} bytes, ${events} events: ${top}.\n`,
      );
      console.log(`${plan.name}: ${bytes.length} bytes, ${events} events → ${file}`);
    }
  } finally {
    await target.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
