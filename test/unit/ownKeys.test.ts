import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownValue } from '../../core/src/text/ownKeys';

test("ownValue finds a record's own keys only, never Object's", () => {
  const record: Record<string, string> = { channel: 'a' };
  assert.equal(ownValue(record, 'channel'), 'a');
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) assert.equal(ownValue(record, name), undefined, name);
  assert.equal(ownValue(undefined, 'channel'), undefined);
  // A record that does have such a key (made from JSON, as settings are) still finds it.
  assert.equal(ownValue(JSON.parse('{"__proto__": "p"}') as Record<string, string>, '__proto__'), 'p');
});
