/**
 * The timeline picture's layout (pure): time to scale, ticks, lanes, marks never hidden behind each other,
 * Local pair bracket, dial arrows; and the panel message that carries its exports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallIndex } from '../../core/src/timeline';
import { fitScale, formatOffset, LABEL_WIDTH, layoutCall, MARK_GAP, RIGHT_PAD, tickStep, type Prim } from '../../client/webview/timelineScene';
import { parseFromWebview } from '../../protocol/src/webviewMessages';
import { captureEvents } from './timelineCapture';

const THEME = { background: '#000000', foreground: '#ffffff', grid: '#333333', font: 'sans-serif' };

function byClass(prims: Prim[], cls: string): Prim[] {
  return prims.filter((p) => p.cls?.split(' ').includes(cls));
}

test('ticks: 1/2/5 × 10^k ms at least 90 px apart; offsets read as ms or s', () => {
  assert.equal(tickStep(1), 100);
  assert.equal(tickStep(0.5), 200);
  assert.equal(tickStep(0.1), 1000);
  assert.equal(tickStep(0.02), 5000);
  assert.equal(formatOffset(0), '+0 ms');
  assert.equal(formatOffset(250), '+250 ms');
  assert.equal(formatOffset(1000), '+1 s');
  assert.equal(formatOffset(1500), '+1.5 s');
  assert.equal(formatOffset(12_500), '+12.5 s');
});

test('capture 16 laid out: two lanes, one Local bracket, every mark once, to scale, none closer than MARK_GAP', () => {
  const index = new CallIndex();
  index.add(captureEvents('16-originate-local-exten-async'));
  const call = index.calls()[0];
  const scale = fitScale(call, 1200);
  assert.equal(scale, (1200 - LABEL_WIDTH - RIGHT_PAD) / (call.end - call.start));
  const scene = layoutCall(index, call, scale, THEME);
  assert.equal(byClass(scene.prims, 'tl-lane').length, 2);
  assert.equal(byClass(scene.prims, 'tl-local-pair').length, 1);
  const marks = byClass(scene.prims, 'tl-mark');
  const expectedSeqs = call.channels.flatMap((c) => c.marks.map((m) => `${c.uniqueid}/${m.seq}`)).sort();
  assert.deepEqual(marks.map((m) => `${m.data!.uniqueid}/${m.data!.seq}`).sort(), expectedSeqs);
  const centre = (p: Prim): number => (p.kind === 'circle' ? p.cx : p.kind === 'rect' ? p.x + p.w / 2 : p.kind === 'poly' ? (Math.min(...p.points.map((q) => q[0])) + Math.max(...p.points.map((q) => q[0]))) / 2 : NaN);
  for (const lane of call.channels) {
    const xs = marks.filter((m) => m.data!.uniqueid === lane.uniqueid).map(centre);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] - xs[i - 1] >= MARK_GAP - 1e-9, `marks of ${lane.name} apart`);
    // The first mark of the lane sits exactly at its time.
    const first = [...lane.marks].sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
    assert.ok(Math.abs(xs[0] - (LABEL_WIDTH + (first.time - call.start) * scale)) < 1.5);
  }
  // The hangup of ;2 came 1.502 s after the start: its square is drawn at (or right of) that time.
  const hangup = marks.find((m) => m.data!.kind === 'hangup' && m.data!.uniqueid === '1795393207.32')!;
  assert.ok(centre(hangup) >= LABEL_WIDTH + 1502 * scale - 1);
  // One dial, from no caller (an Originate): the arrow points into ;1.
  assert.equal(byClass(scene.prims, 'tl-dial').length, 1);
  // State spans of ;2: Ring, then Up.
  assert.deepEqual(byClass(scene.prims, 'tl-state').filter((p) => p.kind === 'rect' && p.y > 100).map((p) => p.data!.state), ['Ring', 'Up']);
  assert.ok(scene.width >= LABEL_WIDTH + (call.end - call.start) * scale + RIGHT_PAD - 1);
});

test('a live call (no hangup yet) ends its lane with a dashed line; the lane says so', () => {
  const index = new CallIndex();
  index.add([{ seq: 1, time: 1000, headers: [['Event', 'Newchannel'], ['Channel', 'PJSIP/1-01'], ['ChannelStateDesc', 'Ring'], ['Uniqueid', 'a'], ['Linkedid', 'a']] }]);
  const scene = layoutCall(index, index.calls()[0], 1, THEME);
  assert.equal(byClass(scene.prims, 'tl-live').length, 1);
  assert.ok(byClass(scene.prims, 'tl-lane-detail').some((p) => p.kind === 'text' && p.text.endsWith('not hung up yet')));
});

test('a dial between two lanes draws an arrow from caller to callee; channels in one bridge are joined', () => {
  const index = new CallIndex();
  const chan = (seq: number, name: string, channel: string, uniqueid: string, extra: Array<[string, string]> = []) => ({
    seq,
    time: 1000 + seq * 100,
    headers: [['Event', name], ['Channel', channel], ['ChannelStateDesc', 'Up'], ['Uniqueid', uniqueid], ['Linkedid', 'A'], ...extra] as Array<[string, string]>,
  });
  index.add([
    chan(1, 'Newchannel', 'PJSIP/100-01', 'A'),
    chan(2, 'DialBegin', 'PJSIP/100-01', 'A', [['DestChannel', 'PJSIP/200-02'], ['DestUniqueid', 'B'], ['DestLinkedid', 'A'], ['DialString', '200']]),
    chan(3, 'DialEnd', 'PJSIP/100-01', 'A', [['DestChannel', 'PJSIP/200-02'], ['DestUniqueid', 'B'], ['DestLinkedid', 'A'], ['DialStatus', 'ANSWER']]),
    chan(4, 'BridgeEnter', 'PJSIP/100-01', 'A', [['BridgeUniqueid', 'br']]),
    chan(5, 'BridgeEnter', 'PJSIP/200-02', 'B', [['BridgeUniqueid', 'br']]),
    chan(6, 'Hangup', 'PJSIP/200-02', 'B', [['Cause', '16']]),
    chan(7, 'Hangup', 'PJSIP/100-01', 'A', [['Cause', '16']]),
  ]);
  const scene = layoutCall(index, index.calls()[0], 0.5, THEME);
  const dial = byClass(scene.prims, 'tl-dial')[0];
  assert.ok(dial.kind === 'line' && dial.x1 === LABEL_WIDTH + 100 * 0.5 && dial.y2 > dial.y1, 'arrow down from A to B at DialBegin');
  const link = byClass(scene.prims, 'tl-bridge-link');
  assert.equal(link.length, 1);
  assert.ok(link[0].kind === 'line' && link[0].x1 === LABEL_WIDTH + 400 * 0.5, 'joined when the second channel entered');
  assert.equal(byClass(scene.prims, 'tl-bridge').length, 2, 'a bridge span on each lane, closed by the hangup');
});

test('saveFile message: format, a plain file name with the right extension, size, base64 for PNG', () => {
  assert.deepEqual(parseFromWebview({ type: 'saveFile', format: 'svg', name: 'call-1.2.svg', data: '<svg/>' }), {
    ok: true,
    value: { type: 'saveFile', format: 'svg', name: 'call-1.2.svg', data: '<svg/>' },
  });
  assert.equal(parseFromWebview({ type: 'saveFile', format: 'png', name: 'call.png', data: 'iVBORw0KGgo=' }).ok, true);
  const refused = (message: unknown): string => {
    const parsed = parseFromWebview(message);
    assert.equal(parsed.ok, false);
    return parsed.ok ? '' : parsed.error;
  };
  assert.match(refused({ type: 'saveFile', format: 'exe', name: 'a.exe', data: '' }), /format must be one of svg, png, txt/);
  assert.match(refused({ type: 'saveFile', format: 'svg', name: '../../etc/passwd.svg', data: '' }), /plain file name/);
  assert.match(refused({ type: 'saveFile', format: 'svg', name: 'call.png', data: '' }), /ending in \.svg/);
  assert.match(refused({ type: 'saveFile', format: 'png', name: 'call.png', data: 'not base64!' }), /must be base64/);
  assert.match(refused({ type: 'saveFile', format: 'txt', name: 'call.txt', data: 42 }), /data must be a string/);
});
