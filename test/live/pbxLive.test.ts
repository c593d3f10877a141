/**
 * Live values and the PBX view's model against a real Asterisk (scripts/asterisk: the `test` dialplan 100–600,
 * queue testq, users admin and reader): LiveSync on a real connection feeding the real language server process,
 * channels from an Originate to 500 appearing and disappearing, completion of Context/Exten/Queue/Channel, a
 * Hangup row action run through the same engine as Run Block, and a read-only user's view without write actions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompletionRequest, HoverRequest, type CompletionItem, type CompletionList, type MarkupContent } from 'vscode-languageserver-protocol/node';
import type { AsteriskTarget } from '../../scripts/asterisk/instance';
import type { AmiClient } from '../../node/src/amiClient';
import { useLiveAsterisk } from './liveAsterisk';
import { LiveSync } from '../../core/src/live/liveSync';
import { LiveIndex } from '../../core/src/live/liveIndex';
import { runScript } from '../../core/src/run/scriptRunner';
import { parseScript } from '../../core/src/script/parser';
import { LiveServerInfoNotification, LiveValuesNotification } from '../../protocol/src/lspExtensions';
import { buildPbxTree, rowActionBlock, type PbxRow } from '../../client/src/live/pbxTree';
import { LspSession } from '../lsp/lspHarness';

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function flatten(rows: PbxRow[]): PbxRow[] {
  return rows.flatMap((row) => [row, ...flatten(row.children ?? [])]);
}

async function allowedActions(client: AmiClient): Promise<Set<string>> {
  const answer = await client.send([['Action', 'ListCommands']]);
  return new Set(answer.response.headers().map(([name]) => name.toLowerCase()).filter((name) => !['response', 'actionid', 'message'].includes(name)));
}

const live = useLiveAsterisk();

describe('live values against a real Asterisk', () => {
  let target: AsteriskTarget;
  let admin: AmiClient;
  let sync: LiveSync;
  let session: LspSession;
  const index = new LiveIndex();
  let documents = 0;

  const complete = async (text: string): Promise<CompletionItem[]> => {
    const uri = `file:///live/doc-${++documents}.ami`;
    await session.open(uri, text);
    const lines = text.split('\n');
    const line = lines.length - 1;
    const result: CompletionList | CompletionItem[] | null = await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line, character: lines[line].length },
    });
    return Array.isArray(result) ? result : (result?.items ?? []);
  };
  const liveLabels = (items: CompletionItem[]): string[] => items.filter((item) => item.labelDetails?.description?.startsWith('live')).map((item) => item.label);

  before(async () => {
    target = live.target();
    admin = await live.connect();
    session = LspSession.start();
    await session.initialize({});
    const allowed = await allowedActions(admin);
    await session.connection.sendNotification(LiveServerInfoNotification.type, { allowedActions: [...allowed] });
    sync = new LiveSync({
      connection: admin,
      allowedActions: allowed,
      connectionName: 'asterisk',
      throttleMs: 100,
      refreshMs: 0,
      publish: (delta) => {
        index.apply(delta);
        void session.connection.sendNotification(LiveValuesNotification.type, delta);
      },
    });
    await sync.start();
    sync.flush();
  });

  after(async () => {
    sync?.stop();
    // shutdown/exit after the last delta (same pipe, in order): killing the server first could fail a delta still
    // being written with EPIPE after the test ended.
    if (session?.alive) await Promise.race([session.shutdown().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    session?.dispose();
  });

  it('reads the dialplan, the queue, parking, mailboxes and the applications of the server', () => {
    assert.deepEqual([...(sync.state.dialplan.get('test')?.keys() ?? [])].sort(), ['100', '200', '300', '400', '500', '600']);
    assert.ok(sync.state.queues.has('testq'));
    assert.ok(sync.state.queues.get('testq')!.members.has('Local/600@test'), `testq members: ${[...(sync.state.queues.get('testq')?.members.keys() ?? [])].join(', ')}`);
    assert.ok(sync.state.parkinglots.has('default'), `parking lots: ${[...sync.state.parkinglots.keys()].join(', ')}`);
    assert.ok(sync.state.mailboxes.has('1000@default'), `mailboxes: ${[...sync.state.mailboxes.keys()].join(', ')}`);
    assert.ok(sync.state.applications.has('Wait') && sync.state.applications.has('Queue'), 'core show applications was read');
    for (const kind of ['channel', 'context', 'exten', 'queue'] as const) assert.ok(sync.state.complete.has(kind), `${kind} complete`);
  });

  it('`Context:` completes test, `Exten:` completes 100–600, `Queue:` completes testq, `Interface:` the member', async () => {
    assert.ok(liveLabels(await complete('Action: Originate\nChannel: Local/100@test\nContext: ')).includes('test'));
    assert.deepEqual(liveLabels(await complete('Action: Originate\nChannel: Local/100@test\nContext: test\nExten: ')), ['100', '200', '300', '400', '500', '600']);
    assert.deepEqual(liveLabels(await complete('Action: QueueStatus\nQueue: ')).filter((name) => name === 'testq'), ['testq']);
    assert.ok(liveLabels(await complete('Action: QueuePause\nQueue: testq\nInterface: ')).includes('Local/600@test'));
    const applications = await complete('Action: Originate\nChannel: Local/100@test\nApplication: ');
    const wait = applications.find((item) => item.label === 'Wait');
    assert.ok(wait?.labelDetails?.description?.startsWith('live'), 'a loaded application is marked live');
  });

  it('channels from an Originate to 500 appear (completion, hover, view) and disappear after a Hangup from the view', async () => {
    const originate = await admin.send([
      ['Action', 'Originate'], ['Channel', 'Local/500@test'], ['Application', 'Wait'], ['Data', '60'], ['Async', 'true'],
    ]);
    assert.equal(originate.success, true, originate.response.get('Message'));
    await until(() => [...sync.state.channels.keys()].filter((name) => name.startsWith('Local/500@test-')).length === 2, 15_000, 'both Local/500 legs');
    const legs = [...sync.state.channels.values()].filter((channel) => channel.name.startsWith('Local/500@test-'));
    assert.equal(new Set(legs.map((channel) => channel.linkedid)).size, 1, 'one call');
    await until(() => legs.every((leg) => index.get('channel', leg.name) !== undefined), 5000, 'the language server index has them');

    // Completion of Channel: shows them live, with state, age and application.
    const items = await complete('Action: Hangup\nChannel: ');
    for (const leg of legs) {
      const item = items.find((candidate) => candidate.label === leg.name);
      assert.ok(item, `${leg.name} offered`);
      assert.match(item.labelDetails!.description!, /^live · (Up|Ring|Down)( · \d\d:\d\d)?/);
    }
    // Hover shows the live state.
    const uri = `file:///live/hover-${++documents}.ami`;
    await session.open(uri, `Action: Hangup\nChannel: ${legs[0].name}\n`);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 12 } });
    assert.match((hover?.contents as MarkupContent).value, /live channel/);

    // The view groups both legs under one call; its Hangup row action is sent like Run Block sends a block.
    const rows = buildPbxTree(sync.state, await allowedActions(admin), { now: Date.now() });
    const call = flatten(rows).find((row) => row.id === `call:${legs[0].linkedid}`);
    assert.equal(call?.children?.length, 2);
    const row = flatten(rows).find((candidate) => candidate.id === `channel:${legs[0].name}`)!;
    assert.ok(row.actions.includes('hangup'));
    const block = rowActionBlock('hangup', row.target!)!;
    const report = await runScript(parseScript(block), admin, { timeoutMs: 10_000 });
    assert.equal(report.blocks[0].verdict, 'passed', report.blocks[0].reason);
    await until(() => ![...sync.state.channels.keys()].some((name) => name.startsWith('Local/500@test-')), 15_000, 'the legs to hang up');
    await until(() => legs.every((leg) => index.get('channel', leg.name) === undefined), 5000, 'the index to forget them');
    assert.deepEqual(liveLabels(await complete('Action: Hangup\nChannel: ')).filter((name) => name.startsWith('Local/500@test-')), []);
  });

  it('an Originate to a context the server lacks gets an information diagnostic', async () => {
    const uri = `file:///live/diag-${++documents}.ami`;
    await session.open(uri, 'Action: Originate\nChannel: Local/100@test\nContext: nosuch\nExten: 100\nPriority: 1\n');
    const published = await session.diagnostics(uri, (params) => params.diagnostics.some((d) => d.source === 'ami-live'), { includeLatest: true });
    const live = published.diagnostics.find((d) => d.source === 'ami-live')!;
    assert.equal(live.code, 'ami-live-unknown-context');
    assert.equal(live.severity, 3);
  });

  it("a read-only user's view offers no write actions and reads only the lists it may run", async () => {
    assert.ok(target.reader, 'the target has a read-only user (AMI_RO_USERNAME/AMI_RO_SECRET for an external one)');
    const reader = await live.connect(target.reader);
    const allowed = await allowedActions(reader);
    assert.ok(!allowed.has('hangup') && !allowed.has('originate'), 'reader may not write');
    const readerSync = new LiveSync({ connection: reader, allowedActions: allowed, refreshMs: 0, throttleMs: 50, publish: () => undefined });
    await readerSync.start();
    // Keep a call up so the reader's view has channels (from events) while checking its actions.
    await admin.send([['Action', 'Originate'], ['Channel', 'Local/500@test'], ['Application', 'Wait'], ['Data', '60'], ['Async', 'true']]);
    await until(() => readerSync.state.channels.size >= 2, 15_000, "the call in the reader's model (from events)");
    const offered = new Set(flatten(buildPbxTree(readerSync.state, allowed, { now: Date.now() })).flatMap((row) => row.actions));
    assert.deepEqual([...offered].filter((action) => action !== 'showCall'), []);
    assert.ok(readerSync.state.queues.has('testq') === allowed.has('queuestatus'));
    readerSync.stop();
    for (const channel of [...sync.state.channels.keys()]) await admin.send([['Action', 'Hangup'], ['Channel', channel]]).catch(() => undefined);
  });
});
