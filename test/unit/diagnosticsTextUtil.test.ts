import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, listText, nearestNames, utf8Length } from '../../core/src/language/textUtil';

test('editDistance: case-insensitive Levenshtein with adjacent transpositions and an early-exit limit', () => {
  assert.equal(editDistance('Originate', 'originate'), 0);
  assert.equal(editDistance('Orignate', 'Originate'), 1);
  assert.equal(editDistance('Oirginate', 'Originate'), 1, 'transposition');
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('kitten', 'sitting', 1), 2, 'limit + 1 once over the limit');
  assert.equal(editDistance('a', 'abcdef', 2), 3, 'length gap alone exceeds the limit');
});

test('nearestNames: close typos first, then containment, at most max, never the name itself', () => {
  const actions = ['Originate', 'Redirect', 'Hangup', 'SIPpeers', 'PJSIPShowEndpoint', 'PJSIPShowEndpoints', 'QueueStatus', 'QueueSummary', 'Queue'];
  assert.deepEqual(nearestNames('Orignate', actions), ['Originate']);
  assert.deepEqual(nearestNames('hangup', actions), [], 'an exact match (any case) is not a suggestion');
  assert.deepEqual(nearestNames('PJSIPShowEndpoin', actions), ['PJSIPShowEndpoint', 'PJSIPShowEndpoints']);
  assert.deepEqual(nearestNames('peers', actions), ['SIPpeers']);
  assert.deepEqual(nearestNames('Queues', actions, 2), ['Queue', 'QueueStatus']);
  assert.deepEqual(nearestNames('Zzzzzz', actions), []);
  assert.deepEqual(nearestNames('', actions), []);
  assert.deepEqual(nearestNames('ab', ['a', 'abc', 'xy']), ['a', 'abc'], 'short names allow one edit');
});

test('utf8Length matches Buffer.byteLength, lone surrogates included', () => {
  for (const text of ['', 'abc', 'é', '€', '😀', 'a\uD800b', '\uDC00', '\uD800', 'x😀y€é\0']) {
    assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
  }
});

test('listText joins for messages', () => {
  assert.equal(listText([]), '');
  assert.equal(listText(['a']), 'a');
  assert.equal(listText(['a', 'b']), 'a and b');
  assert.equal(listText(['a', 'b', 'c'], 'or'), 'a, b or c');
});
