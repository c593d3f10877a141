/**
 * What a result card shows, decided without a DOM: expectation lines, the status of a card whose expectation
 * failed, list tables per event kind with useful columns first, the ListItems check and CSV/TSV text; and which
 * failures are the connection's rather than an expectation's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpectationOutcome } from '../../core/src/expect/types';
import { expectationViews, isConnectionFailure } from '../../client/src/run/expectView';
import { displayStatus, parseToWebview, type HeaderPair } from '../../protocol/src/webviewMessages';
import { checkList, defaultVisibleColumns, groupListItems, tableText, visibleColumns } from '../../client/webview/listTables';

const pass: ExpectationOutcome = { source: 'Response: Success', kind: 'response', status: 'pass', expected: 'Response: Success', got: 'Response: Success', message: '', elapsedMs: 12 };
const fail: ExpectationOutcome = { source: 'Event: Hangup within 2s', kind: 'event', status: 'fail', expected: 'Event: Hangup within 2s', got: 'no Hangup event', message: 'expected Event: Hangup within 2s, got no Hangup event', elapsedMs: 2000 };
const implicit: ExpectationOutcome = { ...pass, implicit: true };

test('expectation views: explicit lines only, each with its detail', () => {
  const views = expectationViews([implicit, pass, fail, { ...fail, status: 'pending' }]);
  assert.deepEqual(views, [
    { source: 'Response: Success', status: 'pass', detail: 'Response: Success · 12 ms' },
    { source: 'Event: Hangup within 2s', status: 'fail', detail: 'expected Event: Hangup within 2s, got no Hangup event' },
    { source: 'Event: Hangup within 2s', status: 'pending', detail: 'waiting for Event: Hangup within 2s' },
  ]);
});

test('a card whose action succeeded but an expectation failed is FAILED; the message validates', () => {
  assert.equal(displayStatus({ status: 'success', expectations: expectationViews([pass, fail]) }), 'failed');
  assert.equal(displayStatus({ status: 'success', expectations: expectationViews([pass]) }), 'success');
  assert.equal(displayStatus({ status: 'error', expectations: expectationViews([fail]) }), 'error');
  const run = { id: 'r', title: 't', action: 'Ping', source: 'a.ami:1', connection: 'lab', actionId: 'a1', startedAt: 1, status: 'success', sent: [], items: [], events: [] };
  assert.equal(parseToWebview({ type: 'run', run: { ...run, expectations: expectationViews([fail]) } }).ok, true);
  assert.equal(parseToWebview({ type: 'run', run: { ...run, expectations: [{ source: 'x', status: 'maybe', detail: '' }] } }).ok, false);
  assert.equal(parseToWebview({ type: 'run', run: { ...run, complete: [['Event', 'X']] } }).ok, true);
  assert.equal(parseToWebview({ type: 'run', run: { ...run, complete: 'x' } }).ok, false);
});

test('connection failures are not expectation failures', () => {
  assert.equal(isConnectionFailure({ status: 'failed', errorCode: 'not-connected' }), true);
  assert.equal(isConnectionFailure({ status: 'failed', errorCode: 'disconnected' }), true);
  assert.equal(isConnectionFailure({ status: 'failed', errorCode: 'timeout' }), false);
  assert.equal(isConnectionFailure({ status: 'error' }), false);
  assert.equal(isConnectionFailure(undefined), false);
});

const member = (name: string): HeaderPair[] => [['Event', 'QueueMember'], ['ActionID', 'a'], ['Queue', 'q'], ['StateInterface', 's'], ['Membership', 'static'], ['Name', name], ['Location', `Local/${name}@t`], ['Paused', '0'], ['Status', '1']];
const params: HeaderPair[] = [['Event', 'QueueParams'], ['ActionID', 'a'], ['Queue', 'q'], ['Max', '0'], ['Strategy', 'ringall'], ['Calls', '0']];

test('list items: one group per event kind in arrival order, preferred columns first, Event/ActionID left out', () => {
  const groups = groupListItems([params, member('100'), member('101')]);
  assert.deepEqual(groups.map((g) => [g.event, g.rows.length]), [['QueueParams', 1], ['QueueMember', 2]]);
  assert.deepEqual(groups[0].columns, ['Queue', 'Strategy', 'Calls', 'Max']);
  assert.deepEqual(groups[1].columns, ['Queue', 'Name', 'Location', 'Status', 'Paused', 'Membership', 'StateInterface']);
  // A kind without a preferred order follows the catalogue's field order, then arrival order.
  const other = groupListItems([[['Event', 'Thing'], ['B', '1'], ['A', '2'], ['C', '3']]], () => ['c', 'a']);
  assert.deepEqual(other[0].columns, ['C', 'A', 'B']);
});

test('visible columns: default, a remembered choice, and a choice that matches nothing falls back', () => {
  const wide = { event: 'Thing', columns: Array.from({ length: 14 }, (_, i) => `F${i}`) };
  assert.equal(defaultVisibleColumns(wide).length, 10);
  assert.deepEqual(visibleColumns(wide, ['f3', 'F1']), ['F1', 'F3']);
  assert.equal(visibleColumns(wide, ['nope']).length, 10);
});

test('ListItems check: matches, mismatch, missing completion event', () => {
  const complete: HeaderPair[] = [['Event', 'QueueStatusComplete'], ['EventList', 'Complete'], ['ListItems', '3']];
  assert.equal(checkList([params, member('1'), member('2')], complete).matches, true);
  assert.match(checkList([params, member('1'), member('2')], complete).text, /✓ ListItems 3 matches the 3 rows received/);
  const short = checkList([params], complete);
  assert.equal(short.matches, false);
  assert.match(short.text, /✗ ListItems says 3, but 1 row received/);
  assert.match(checkList([params], undefined).text, /No completion event/);
  assert.match(checkList([], [['Event', 'XComplete'], ['EventList', 'Complete']]).text, /no ListItems to check/);
});

test('CSV quotes commas, quotes and line breaks; TSV flattens tabs', () => {
  const rows: HeaderPair[][] = [[['A', 'x,y'], ['B', 'say "hi"']], [['A', 'a\tb'], ['B', 'two\nlines']]];
  assert.equal(tableText(rows, ['A', 'B'], 'csv'), 'A,B\r\n"x,y","say ""hi"""\r\na\tb,"two\nlines"\r\n');
  assert.equal(tableText(rows, ['B', 'A'], 'tsv'), 'B\tA\r\nsay "hi"\tx,y\r\ntwo lines\ta b\r\n');
});
