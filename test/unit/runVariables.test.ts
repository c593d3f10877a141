import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findVariables, resolveVariable, substitute, substituteHeaders, type NamedResult } from '../../core/src/run/variables';

const call: NamedResult = {
  actionId: 'ami-7',
  response: [
    ['Response', 'Success'],
    ['ActionID', 'ami-7'],
    ['Message', 'Originate successfully queued'],
  ],
  items: [[['Event', 'CoreShowChannel'], ['Channel', 'PJSIP/100-01']]],
  events: [
    {
      name: 'OriginateResponse',
      headers: [
        ['Event', 'OriginateResponse'],
        ['Response', 'Success'],
        ['Channel', 'Local/100@test-00000001;1'],
        ['Uniqueid', '1763900000.12'],
      ],
    },
  ],
};

test('findVariables finds closed and unclosed references', () => {
  assert.deepEqual(findVariables('a {{ x }} b {{$env HOME}}'), [
    { name: 'x', start: 2, end: 9, closed: true },
    { name: '$env HOME', start: 12, end: 25, closed: true },
  ]);
  assert.deepEqual(findVariables('{{open'), [{ name: 'open', start: 0, end: 6, closed: false }]);
  assert.deepEqual(findVariables('no braces'), []);
});

test('named block results: response, ActionID, fallback to events, events.Name.Header, items.N.Header', async () => {
  const sources = { named: new Map([['call', call]]) };
  assert.deepEqual(await resolveVariable('call.Response', sources), { ok: true, value: 'Success' });
  assert.deepEqual(await resolveVariable('CALL.actionid', sources), { ok: true, value: 'ami-7' });
  assert.deepEqual(await resolveVariable('call.Channel', sources), { ok: true, value: 'Local/100@test-00000001;1' });
  assert.deepEqual(await resolveVariable('call.events.OriginateResponse.Uniqueid', sources), { ok: true, value: '1763900000.12' });
  assert.deepEqual(await resolveVariable('call.items.0.Channel', sources), { ok: true, value: 'PJSIP/100-01' });
  const missingEvent = await resolveVariable('call.events.Hangup.Cause', sources);
  assert.equal(missingEvent.ok, false);
  assert.match(!missingEvent.ok ? missingEvent.error : '', /no Hangup event has arrived for block "call"/);
  const badIndex = await resolveVariable('call.items.3.Channel', sources);
  assert.match(!badIndex.ok ? badIndex.error : '', /has 1 list items; index 3 does not exist/);
  const notRun = await resolveVariable('other.Channel', sources);
  assert.match(!notRun.ok ? notRun.error : '', /no block named "other" has run yet/);
});

test('file variables win over profile variables, may nest, and loops are reported', async () => {
  const sources = {
    fileVariables: { exten: '100', channel: 'PJSIP/{{exten}}', a: '{{b}}', b: '{{a}}' },
    profileVariables: { exten: '999', context: 'from-internal' },
  };
  assert.deepEqual(await substitute('{{channel}}@{{context}}', sources), { ok: true, value: 'PJSIP/100@from-internal' });
  const loop = await resolveVariable('a', sources);
  assert.equal(loop.ok, false);
  assert.match(!loop.ok ? loop.error : '', /loop/);
});

test('built-ins: $uuid, $timestamp, $env, $prompt (asked once per label), unknown', async () => {
  let asked = 0;
  const sources = {
    uuid: () => 'u-1',
    now: () => 1_763_900_000_999,
    env: (name: string) => (name === 'EXTEN' ? '200' : undefined),
    prompt: async (label: string) => {
      asked++;
      return label === 'Number' ? '555' : undefined;
    },
  };
  assert.deepEqual(await resolveVariable('$uuid', sources), { ok: true, value: 'u-1' });
  assert.deepEqual(await resolveVariable('$timestamp', sources), { ok: true, value: '1763900000' });
  assert.deepEqual(await resolveVariable('$env EXTEN', sources), { ok: true, value: '200' });
  const unset = await resolveVariable('$env NOPE', sources);
  assert.match(!unset.ok ? unset.error : '', /environment variable NOPE is not set/);
  const result = await substituteHeaders(
    [
      ['Exten', '{{$prompt Number}}'],
      ['Variable', 'N={{$prompt Number}}'],
    ],
    sources,
  );
  assert.deepEqual(result, { ok: true, headers: [['Exten', '555'], ['Variable', 'N=555']] });
  assert.equal(asked, 1);
  const unknown = await resolveVariable('$random', sources);
  assert.match(!unknown.ok ? unknown.error : '', /unknown built-in/);
});

test('substituteHeaders refuses with every unresolved variable, naming the header', async () => {
  const result = await substituteHeaders(
    [
      ['Action', 'Originate'],
      ['Channel', '{{phone}}'],
      ['Exten', '{{call.Uniqueid'],
    ],
    {},
  );
  assert.equal(result.ok, false);
  assert.deepEqual(
    !result.ok ? result.errors.map((e) => e.header) : [],
    ['Channel', 'Exten'],
  );
  assert.match(!result.ok ? result.errors[0].error : '', /\{\{phone\}\} is not defined: add "@phone = value"/);
  assert.match(!result.ok ? result.errors[1].error : '', /missing its closing/);
});
