// Live values over the real language server process: the client's notification, completion of header values
// marked live, hover with the live state, and the information diagnostics with their setting.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionRequest, CompletionResolveRequest, HoverRequest, type CompletionItem, type CompletionList, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { AmiDecoder } from '../../core/src/wire/decoder';
import type { AmiMessage } from '../../core/src/wire/types';
import { LiveState } from '../../core/src/live/liveState';
import { LiveServerInfoNotification, LiveValuesNotification } from '../../protocol/src/lspExtensions';
import { LspSession, codesOf } from './lspHarness';

const uri = (name: string): string => `file:///workspace/live-${name}.ami`;

function messages(text: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((message) => out.push(message));
  decoder.push(Buffer.from(`Asterisk Call Manager/12.0.0\r\n${text.trim().replace(/\n/g, '\r\n')}\r\n\r\n`, 'latin1'));
  return out.filter((message) => message.kind === 'event');
}

/** A PBX as the client's model sees it: two channels, the `test` dialplan 100–102, queue testq. */
function pbx(): LiveState {
  const state = new LiveState({ now: () => Date.now() });
  const dialplan = messages(
    ['100', '101', '102', '_9X.']
      .flatMap((exten) => [1, 2].map((priority) => `Event: ListDialplan\nContext: test\nExtension: ${exten}\nPriority: ${priority}\nApplication: ${priority === 1 ? 'Answer' : 'Wait'}\nAppData: ${priority === 1 ? '' : '30'}\n`))
      .join('\n'),
  );
  state.applyList('ShowDialPlan', { success: true, events: dialplan }, Date.now());
  const channels = messages(`Event: CoreShowChannel
Channel: Local/500@test-00000016;2
ChannelStateDesc: Up
CallerIDNum: 555
CallerIDName: Helper
Context: test
Exten: 500
Priority: 3
Uniqueid: 1795393219.46
Linkedid: 1795393219.45
Application: Wait
ApplicationData: 30
Duration: 00:00:42
BridgeId:

Event: CoreShowChannel
Channel: PJSIP/alice-00000001
ChannelStateDesc: Ringing
Uniqueid: 1795393219.50
Linkedid: 1795393219.50
Application: Dial
ApplicationData: PJSIP/bob
Duration: 00:00:03`);
  state.applyList('CoreShowChannels', { success: true, events: channels }, Date.now());
  const queues = messages(`Event: QueueParams
Queue: testq
Strategy: ringall

Event: QueueMember
Queue: testq
Name: Agent One
Location: Local/100@test
Status: 1
Paused: 1`);
  state.applyList('QueueStatus', { success: true, events: queues }, Date.now());
  return state;
}

function items(result: CompletionList | CompletionItem[] | null): CompletionItem[] {
  assert.ok(result, 'completion answered null');
  return Array.isArray(result) ? result : result.items;
}

describe('live values in the language server (real process)', () => {
  let session: LspSession;
  const state = pbx();

  const complete = async (name: string, text: string, line: number): Promise<CompletionItem[]> => {
    await session.open(uri(name), text);
    const character = text.split('\n')[line].length;
    return items(await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri(name) }, position: { line, character } }));
  };
  const hover = async (name: string, text: string, line: number, character: number): Promise<string> => {
    await session.open(uri(name), text);
    const result = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(name) }, position: { line, character } });
    assert.ok(result, 'no hover');
    return (result.contents as MarkupContent).value;
  };

  before(async () => {
    session = LspSession.start();
    await session.initialize({});
    await session.connection.sendNotification(LiveValuesNotification.type, state.takeDelta('lab'));
  });
  after(() => session.dispose());

  it('completes live channels where the catalogue takes a channel, marked live with state, age and application', async () => {
    const list = await complete('hangup', 'Action: Hangup\nChannel: ', 1);
    const live = list.filter((item) => item.labelDetails?.description?.startsWith('live'));
    assert.deepEqual(live.map((item) => item.label).sort(), ['Local/500@test-00000016;2', 'PJSIP/alice-00000001']);
    const local = live.find((item) => item.label === 'Local/500@test-00000016;2')!;
    assert.match(local.labelDetails!.description!, /^live · Up · 00:4\d · Wait\(30\)$/);
    // The detail (with the connection's name) comes on resolve when the client resolves it.
    const resolved = local.detail === undefined ? await session.connection.sendRequest(CompletionResolveRequest.type, local) : local;
    assert.match(resolved.detail!, /^live on lab · Up · 00:4\d · Wait\(30\)$/);
    assert.equal(live[0].label, 'PJSIP/alice-00000001', 'newest channel first');
  });

  it('offers no live channels for Originate (its Channel is a dial string)', async () => {
    const list = await complete('originate-channel', 'Action: Originate\nChannel: ', 1);
    assert.equal(list.filter((item) => item.labelDetails?.description?.startsWith('live')).length, 0);
  });

  it('completes Context, then the extensions of that context, then its priorities', async () => {
    const contexts = await complete('context', 'Action: Originate\nChannel: Local/100@test\nContext: ', 2);
    assert.deepEqual(contexts.map((item) => item.label), ['test']);
    assert.match(contexts[0].labelDetails!.description!, /4 extensions/);
    const extens = await complete('exten', 'Action: Originate\nChannel: Local/100@test\nContext: test\nExten: ', 3);
    assert.deepEqual(extens.map((item) => item.label), ['100', '101', '102', '_9X.']);
    const priorities = await complete('priority', 'Action: Originate\nChannel: Local/100@test\nContext: test\nExten: 101\nPriority: ', 4);
    assert.deepEqual(priorities.map((item) => [item.label, item.labelDetails?.description]), [['1', 'live · Answer()'], ['2', 'live · Wait(30)']]);
  });

  it('completes queues and their members', async () => {
    const queues = await complete('queue', 'Action: QueueStatus\nQueue: ', 1);
    assert.deepEqual(queues.map((item) => item.label), ['testq']);
    const members = await complete('member', 'Action: QueuePause\nQueue: testq\nInterface: ', 2);
    assert.deepEqual(members.map((item) => item.label), ['Local/100@test']);
    assert.match(members[0].labelDetails!.description!, /paused/);
  });

  it('hover on a live channel shows its state, application, caller ID and call', async () => {
    const text = await hover('hover-channel', 'Action: Hangup\nChannel: Local/500@test-00000016;2\n', 1, 12);
    assert.match(text, /live channel/);
    assert.match(text, /Up · 00:4\d · Wait\(30\)/);
    assert.match(text, /Caller ID: `"Helper" <555>`/);
    assert.match(text, /Linkedid: `1795393219\.45`/);
  });

  it('hover on a queue lists its members with their state', async () => {
    const text = await hover('hover-queue', 'Action: QueueStatus\nQueue: testq\n', 1, 9);
    assert.match(text, /Member Agent One: `Local\/100@test · not in use, paused`/);
  });

  it('information diagnostics: unknown context, unknown extension, channel not live; never for {{variables}} or patterns', async () => {
    const text = [
      'Action: Originate', 'Channel: Local/100@test', 'Context: nosuch', 'Exten: 100', 'Priority: 1', '',
      'Action: Originate', 'Channel: Local/100@test', 'Context: test', 'Exten: 555', 'Priority: 1', '',
      'Action: Originate', 'Channel: Local/100@test', 'Context: test', 'Exten: 9123', 'Priority: 1', '',
      'Action: Hangup', 'Channel: PJSIP/gone-00000009', '',
      'Action: Hangup', 'Channel: {{call.Channel}}', '',
    ].join('\n');
    await session.open(uri('diagnostics'), text);
    const published = await session.diagnostics(uri('diagnostics'), (params) => params.diagnostics.some((d) => d.source === 'ami-live'), { includeLatest: true });
    const live = published.diagnostics.filter((d) => d.source === 'ami-live');
    assert.deepEqual(codesOf(live), ['ami-live-unknown-context', 'ami-live-unknown-exten', 'ami-live-channel-not-live']);
    assert.ok(live.every((d) => d.severity === 3), 'information, never an error');
    assert.deepEqual(live.map((d) => d.range.start.line), [2, 9, 19]);
    assert.match(live[0].message as string, /Context "nosuch" does not exist on the connected server \(lab\)/);
  });

  it('the setting ami.live.diagnostics: false turns them off', async () => {
    await session.changeConfiguration({ live: { diagnostics: false } });
    const published = await session.diagnostics(uri('diagnostics'), (params) => !params.diagnostics.some((d) => d.source === 'ami-live'), { includeLatest: true });
    assert.ok(published.diagnostics.every((d) => d.source !== 'ami-live'));
    await session.changeConfiguration({});
  });

  it('a Hangup event removes the channel from completion; a user without Hangup permission gets no live values', async () => {
    state.applyEvent(messages('Event: Hangup\nChannel: PJSIP/alice-00000001')[0]);
    await session.connection.sendNotification(LiveValuesNotification.type, state.takeDelta());
    const list = await complete('after-hangup', 'Action: Hangup\nChannel: ', 1);
    assert.deepEqual(list.filter((item) => item.labelDetails?.description?.startsWith('live')).map((item) => item.label), ['Local/500@test-00000016;2']);
    await session.connection.sendNotification(LiveServerInfoNotification.type, { allowedActions: ['QueueStatus', 'Ping'] });
    const denied = await complete('denied', 'Action: Hangup\nChannel: ', 1);
    assert.equal(denied.filter((item) => item.labelDetails?.description?.startsWith('live')).length, 0);
    const permitted = await complete('permitted', 'Action: QueueStatus\nQueue: ', 1);
    assert.deepEqual(permitted.map((item) => item.label), ['testq']);
    await session.connection.sendNotification(LiveServerInfoNotification.type, {});
  });

  it('garbage live values are ignored and a reset forgets everything', async () => {
    await session.connection.sendNotification(LiveValuesNotification.method, { upsert: [{ kind: 'channel' }, { kind: 'nope', value: 'x' }, null, 7], remove: 'x', complete: 5 });
    await session.connection.sendNotification(LiveValuesNotification.method, 'junk');
    await session.connection.sendNotification(LiveValuesNotification.type, { reset: true, connection: null });
    const list = await complete('after-reset', 'Action: Hangup\nChannel: ', 1);
    assert.equal(list.length, 0);
    assert.ok(session.alive);
    assert.deepEqual(session.logs.filter((log) => log.type === 1), [], 'no handler threw');
  });
});
