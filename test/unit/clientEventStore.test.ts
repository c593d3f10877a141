import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStore, itemColumns, sortItems } from '../../client/webview/eventStore';
import {
  headersAsText,
  headersToText,
  headerValueInText,
  matchesFilter,
  packEvents,
  parseFilterText,
  parseFromWebview,
  parseSavedSession,
  parseToWebview,
  textToHeaders,
  unpackEvents,
  type HeaderPair,
  type StreamEvent,
} from '../../protocol/src/webviewMessages';

function event(seq: number, name: string, channel = `PJSIP/${seq}`): StreamEvent {
  return { seq, time: seq, name, headers: [['Event', name], ['Channel', channel]] };
}

test('store: filter, pause keeps arrivals, resume shows them', () => {
  const store = new EventStore(1000);
  store.append([event(1, 'Hangup'), event(2, 'Newchannel'), event(3, 'Hangup')]);
  store.setFilter({ eventNames: ['hangup'], headers: [] });
  assert.equal(store.visibleCount, 2);
  store.pause();
  store.append([event(4, 'Hangup'), event(5, 'VarSet')]);
  assert.equal(store.visibleCount, 2);
  assert.equal(store.pendingCount, 1);
  store.resume();
  assert.equal(store.visibleCount, 3);
  assert.equal(store.visibleAt(2)?.seq, 4);
  assert.deepEqual(store.counters(), { received: 5, shown: 3, dropped: 0, droppedBySession: 0, evicted: 0 });
});

test('store: bounded, evictions and session drops are counted, clear resets the baseline', () => {
  const store = new EventStore(100);
  for (let seq = 1; seq <= 250; seq++) store.append([event(seq, seq % 2 ? 'A' : 'B')]);
  store.setDroppedBySession(7);
  const counters = store.counters();
  assert.ok(store.all.length <= 100);
  assert.equal(counters.received, 250);
  assert.equal(counters.evicted + store.all.length, 250, 'every event is either kept or counted as evicted');
  assert.equal(counters.dropped, counters.evicted + 7);
  assert.equal(store.bySeq(250)?.name, 'B');
  assert.equal(store.bySeq(1), undefined);
  store.clear();
  store.setDroppedBySession(9);
  assert.deepEqual(store.counters(), { received: 0, shown: 0, dropped: 2, droppedBySession: 2, evicted: 0 });
});

test('sortItems: numeric and text, missing last; itemColumns skips Event/ActionID', () => {
  const items: Array<Array<[string, string]>> = [
    [['Event', 'X'], ['ActionID', '1'], ['Duration', '10'], ['Name', 'bob']],
    [['Event', 'X'], ['Duration', '9'], ['Name', 'Alice']],
    [['Event', 'X'], ['Name', 'carol']],
  ];
  assert.deepEqual(itemColumns(items), ['Duration', 'Name']);
  assert.deepEqual(sortItems(items, 'duration', 'asc').map((i) => i.find(([n]) => n === 'Name')?.[1]), ['Alice', 'bob', 'carol']);
  assert.deepEqual(sortItems(items, 'Name', 'desc').map((i) => i.find(([n]) => n === 'Name')?.[1]), ['carol', 'bob', 'Alice']);
});

test('parseFilterText: names, header=value, errors name the term', () => {
  assert.deepEqual(parseFilterText(' Hangup  Channel=PJSIP/1 '), { ok: true, value: { eventNames: ['Hangup'], headers: [['Channel', 'PJSIP/1']] } });
  assert.deepEqual(parseFilterText('=x'), { ok: false, error: '"=x": a header name is missing before "="' });
  const bad = parseFilterText('a<b');
  assert.equal(bad.ok, false);
});

test('messages from the webview are validated', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(parseFromWebview({ type: 'setEventMask', extra: 'ignored' }), { ok: true, value: { type: 'setEventMask' } });
  assert.equal(parseFromWebview({ type: 'copy', text: 5 }).ok, false);
  assert.equal(parseFromWebview({ type: 'pushFilter', filter: { eventNames: ['x'], headers: [['a']] } }).ok, false);
  assert.equal(parseFromWebview({ type: 'runCommand', command: 'rm -rf' }).ok, false);
  assert.equal(parseFromWebview(null).ok, false);
  assert.equal(parseFromWebview('ready').ok, false);
  assert.equal(parseToWebview({ type: 'events', events: packEvents([event(1, 'A')]), counters: { droppedBySession: 0 } }).ok, true);
  // The packed form only: a list of events, lists of different lengths or a bad field are refused.
  assert.equal(parseToWebview({ type: 'events', events: [event(1, 'A')], counters: { droppedBySession: 0 } }).ok, false);
  const batch = packEvents([event(1, 'A'), event(2, 'B')]);
  assert.equal(parseToWebview({ type: 'events', events: { ...batch, name: ['A'] }, counters: { droppedBySession: 0 } }).ok, false);
  assert.equal(parseToWebview({ type: 'events', events: { ...batch, seq: [1, 'x'] }, counters: { droppedBySession: 0 } }).ok, false);
  assert.equal(parseToWebview({ type: 'events', events: { ...batch, headers: ['Event: A', [['Event']]] }, counters: { droppedBySession: 0 } }).ok, false);
  assert.equal(parseToWebview({ type: 'events', events: { ...batch, headers: ['Event: A', [['Event', 'B']]] }, counters: { droppedBySession: 0 } }).ok, true);
});

test('saved sessions: a valid file parses, a wrong one says what is wrong', () => {
  const session = { format: 'ami-workbench-session', version: 1, savedAt: 1, connection: 'local', runs: [], events: [event(1, 'A')] };
  assert.equal(parseSavedSession(session).ok, true);
  assert.deepEqual(parseSavedSession({ ...session, format: 'x' }), {
    ok: false,
    error: '"format" is not "ami-workbench-session": not a saved AMI Workbench session',
  });
  assert.deepEqual(parseSavedSession({ ...session, events: [{}] }), { ok: false, error: 'events[0] is malformed' });
});

test('panel HTML: strict CSP with the nonce, no inline permission, attributes escaped', async () => {
  const { renderPanelHtml, panelCsp, makeNonce } = await import('../../client/src/panel/html');
  const nonce = makeNonce((size) => new Uint8Array(size).map((_, i) => i * 7));
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  const csp = panelCsp('https://ext.example', nonce);
  assert.equal(csp, `default-src 'none'; style-src https://ext.example; img-src https://ext.example; font-src https://ext.example; script-src 'nonce-${nonce}'`);
  const html = renderPanelHtml({ cspSource: 'https://ext.example', nonce, scriptUri: 'https://ext.example/webview.js?a="b"', styleUri: 'https://ext.example/panel.css' });
  assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://ext.example/webview.js?a=&quot;b&quot;"></script>`));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
});

test('store: the bound follows ami.panel.maxEvents from the reset message; a bad maxEvents is refused', () => {
  const store = new EventStore(100_000);
  const reset = parseToWebview({ type: 'reset', runs: [], events: packEvents([]), counters: { droppedBySession: 0 }, docs: {}, maxEvents: 1000 });
  assert.ok(reset.ok && reset.value.type === 'reset' && reset.value.maxEvents === 1000);
  if (reset.ok && reset.value.type === 'reset' && reset.value.maxEvents !== undefined) store.setCapacity(reset.value.maxEvents);
  const events: StreamEvent[] = [];
  for (let seq = 1; seq <= 5000; seq++) events.push(event(seq, 'VarSet'));
  store.reset(events, 0);
  assert.equal(store.capacity, 1000);
  assert.ok(store.all.length <= 1000);
  assert.equal(store.counters().evicted + store.all.length, 5000, 'every event is either kept or counted as evicted');
  const bad = parseToWebview({ type: 'reset', runs: [], events: packEvents([]), counters: { droppedBySession: 0 }, docs: {}, maxEvents: -3 });
  assert.deepEqual(bad, { ok: false, error: 'reset.maxEvents must be a positive integer' });
});

test('packed events: headers round-trip through the text exactly, or travel as pairs when the text cannot carry them', () => {
  const cases: HeaderPair[][] = [
    [],
    [['Event', 'Newchannel'], ['Channel', 'PJSIP/100-01'], ['Uniqueid', '1.1']],
    [['Event', 'VarSet'], ['Value', ''], ['Value', ' leading space'], ['Empty', ''], ['Value', 'a: b: c']],
    [['', 'a line without a colon'], ['Event', 'X']],
    [['Event', 'X'], ['', '']],
    [['Message', 'carriage\rreturn'], ['Unicode', 'Zoë ☎']],
  ];
  for (const headers of cases) {
    const text = headersToText(headers);
    assert.ok(text !== undefined, JSON.stringify(headers));
    assert.deepEqual(textToHeaders(text), headers);
  }
  // Not representable as text: a single empty pair (the text of no headers), ':' or a line break in a name, a line break in a value.
  for (const headers of [[['', '']], [['A:B', 'x']], [['A\nB', 'x']], [['Event', 'two\nlines']]] as HeaderPair[][]) {
    assert.equal(headersToText(headers), undefined, JSON.stringify(headers));
  }
  const events: StreamEvent[] = [
    { seq: 1, time: 10, name: 'Newchannel', headers: cases[1] },
    { seq: 2, time: 11, name: 'UserEvent', headers: [['Event', 'UserEvent'], ['Body', 'one\ntwo']] },
    { seq: 3, time: 12, name: 'Nothing', headers: [] },
  ];
  const batch = packEvents(events);
  assert.deepEqual(batch.seq, [1, 2, 3]);
  assert.equal(typeof batch.headers[0], 'string');
  assert.deepEqual(batch.headers[1], events[1].headers, 'the event the text cannot carry travels as pairs');
  // Through JSON, as VS Code posts it, and the webview's validation.
  const parsed = parseToWebview(JSON.parse(JSON.stringify({ type: 'events', events: batch, counters: { droppedBySession: 0 } })));
  assert.ok(parsed.ok && parsed.value.type === 'events');
  const unpacked = unpackEvents(parsed.value.events);
  assert.deepEqual(
    unpacked.map((event) => ({ seq: event.seq, time: event.time, name: event.name, headers: event.headers })),
    events,
  );
  assert.equal(unpacked[0].header('uniqueid'), '1.1');
  assert.equal(unpacked[1].header('BODY'), 'one\ntwo');
  assert.equal(unpacked[0].header('Missing'), undefined);
  assert.equal(headersAsText(unpacked[0].headers), 'Event: Newchannel\nChannel: PJSIP/100-01\nUniqueid: 1.1\n');
  assert.ok(matchesFilter(unpacked[0], { eventNames: ['newchannel'], headers: [['channel', 'pjsip/100']] }));
  assert.equal(headerValueInText('Event: A\nUniqueidX: 2\nUniqueid: 1', 'uniqueid'), '1');
  assert.equal(headerValueInText('Ev\n: x', 'ev\n'), undefined);
});

test('filters match a packed event exactly as the same event with header pairs', () => {
  const events: StreamEvent[] = [
    { seq: 1, time: 1, name: 'Hangup', headers: [['Event', 'Hangup'], ['Channel', 'PJSIP/100-01'], ['Cause', '16'], ['Cause-txt', 'Normal Clearing']] },
    { seq: 2, time: 2, name: 'VarSet', headers: [['Event', 'VarSet'], ['Variable', 'A'], ['Value', 'x'], ['Variable', 'B'], ['Value', 'Needle: yes']] },
    { seq: 3, time: 3, name: 'Odd', headers: [['', 'no colon here'], ['Event', 'Odd'], ['Channel', '']] },
    { seq: 4, time: 4, name: 'Multi', headers: [['Event', 'Multi'], ['Body', 'two\nlines']] },
  ];
  const packed = unpackEvents(packEvents(events));
  const filters = ['', 'hangup', 'Cause=16', 'cause=NORMAL', 'channel=pjsip/100', 'Variable=b', 'value=needle:', 'Value=', 'Channel=', 'Body=lines', 'Cause-txt=clearing Event=hang', 'Missing=x', 'Odd Channel=', 'Cau=16'];
  for (const text of filters) {
    const parsed = parseFilterText(text);
    assert.ok(parsed.ok, text);
    const filter = parsed.value;
    assert.deepEqual(
      packed.map((event) => matchesFilter(event, filter)),
      events.map((event) => matchesFilter(event, filter)),
      text,
    );
  }
});
