import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTarget, isLoopback, parseProfiles, secretKey } from '../../core/src/profiles/profiles';
import { explainFailure } from '../../client/src/connections/errors';
import { AmiConnectError, describeSocketError } from '../../core/src/session/errors';
import { SessionLog, fieldDocsOf } from '../../client/src/panel/sessionLog';
import { parseSavedSession } from '../../protocol/src/webviewMessages';

test('profiles: defaults, TLS port, events list, variables, errors name the setting path', () => {
  const { profiles, errors } = parseProfiles([
    { name: 'lab', host: '127.0.0.1', username: 'dev' },
    { name: 'prod', host: 'pbx.example.com', username: 'ops', tls: true, events: ['call', 'system'], production: true, variables: { exten: 100 } },
    { name: 'lab', host: 'x', username: 'y' },
    { host: 'h', username: 'u' },
    { name: 'badport', host: 'h', username: 'u', port: 70000 },
    { name: 'badhost', host: 'a b', username: 'u' },
    { name: 'leaky', host: 'h', username: 'u', secret: 'pw' },
  ]);
  assert.deepEqual(profiles[0], {
    name: 'lab', host: '127.0.0.1', port: 5038, username: 'dev', tls: false, caFile: undefined,
    authType: 'md5', events: 'on', production: false, variables: {},
  });
  assert.equal(profiles[1].port, 5039);
  assert.equal(profiles[1].events, 'call,system');
  assert.deepEqual(profiles[1].variables, { exten: '100' });
  assert.equal(profiles[1].production, true);
  assert.equal(profiles.length, 3, 'the leaky profile is kept (the secret is ignored), the bad ones are not');
  assert.match(errors[0], /ami\.connections\[2\] \("lab"\): another connection already has this name/);
  assert.match(errors[1], /ami\.connections\[3\]\.name is missing/);
  assert.match(errors[2], /\.port must be a whole number from 1 to 65535/);
  assert.match(errors[3], /\.host must be a host name or IP address/);
  assert.match(errors[4], /a secret in settings is ignored; use "AMI: Set Password"/);
  assert.deepEqual(parseProfiles({}).errors, ['ami.connections must be a list of connection objects']);
});

test('secret keys follow host, port and user; loopback detection; target text', () => {
  const a = { name: 'lab', host: '127.0.0.1', port: 5038, username: 'dev' };
  assert.notEqual(secretKey(a), secretKey({ ...a, host: 'evil.example.com' }));
  assert.equal(isLoopback('127.0.0.1'), true);
  assert.equal(isLoopback('localhost'), true);
  assert.equal(isLoopback('[::1]'), true);
  assert.equal(isLoopback('10.0.0.1'), false);
  assert.equal(describeTarget({ ...a, tls: true }), 'dev@127.0.0.1:5038 (TLS)');
});

test('failures say what to check and which setting to change; auth is not retried', () => {
  const profile = parseProfiles([{ name: 'lab', host: '10.1.1.1', username: 'dev' }]).profiles[0];
  const refused = explainFailure(describeSocketError('ECONNREFUSED', 'x', '10.1.1.1:5038', false), profile);
  assert.equal(refused.kind, 'refused');
  assert.equal(refused.retryable, true);
  assert.match(refused.detail, /enabled = yes[\s\S]*setting ami\.connections, connection "lab"/);
  const auth = explainFailure(new AmiConnectError('Authentication failed for dev.', 'auth-failed'), profile);
  assert.equal(auth.kind, 'auth');
  assert.equal(auth.short, 'authentication failed');
  assert.equal(auth.retryable, false);
  assert.match(auth.detail, /AMI: Set Password/);
  const raw = explainFailure(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), profile);
  assert.equal(raw.kind, 'timeout');
  const tlsFailure = explainFailure(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), profile);
  assert.equal(tlsFailure.kind, 'tls');
  assert.match(tlsFailure.detail, /caFile/);
});

test('session log: redacts, batches, bounded, docs once per event name, saved file parses back', () => {
  const log = new SessionLog(3, (name) => (name === 'Hangup' ? { cause: 'Why it hung up' } : undefined));
  log.addEvent([['Event', 'Hangup'], ['Cause', '16']], 1);
  log.addEvent([['Event', 'UserEvent'], ['Secret', 'hunter2']], 2);
  const first = log.takeBatch();
  assert.equal(first?.events.length, 2);
  assert.deepEqual(first?.docs, { hangup: { cause: 'Why it hung up' } });
  assert.deepEqual(first?.events[1].headers[1], ['Secret', '********']);
  assert.equal(log.takeBatch(), undefined);
  for (let i = 0; i < 5; i++) log.addEvent([['Event', 'Hangup']], 10 + i);
  assert.equal(log.takeBatch()?.docs, undefined, 'docs for Hangup were already sent');
  const saved = log.toSaved('lab', 99);
  assert.equal(saved.events.length, 3);
  assert.deepEqual(saved.events.map((event) => event.seq), [5, 6, 7]);
  assert.equal(parseSavedSession(JSON.parse(JSON.stringify(saved))).ok, true);
  assert.deepEqual(
    fieldDocsOf([
      { name: 'Cause', description: ' A  **cause**\ncode, see [Hangup](https://x) `16` ' },
      { name: 'State', enum: [{ name: 'Up' }, { name: 'Down' }] },
      { name: 'X' },
    ]),
    { cause: 'A cause code, see Hangup 16', state: 'One of: Up, Down.' },
  );
});

test('status bar and panel wording for every connection state; production always warns', async () => {
  const { presentConnection } = await import('../../client/src/connections/statusText');
  const [lab, prod] = parseProfiles([
    { name: 'lab', host: '127.0.0.1', username: 'dev' },
    { name: 'pbx', host: 'pbx.example.com', username: 'ops', production: true },
  ]).profiles;
  assert.equal(presentConnection(undefined, { kind: 'idle' }, undefined, 0, 0).text, '$(plug) AMI: no connection');
  const connected = presentConnection(lab, { kind: 'connected', amiVersion: '12.0.0' }, { asteriskVersion: '23.4.1' }, 0, 0);
  assert.equal(connected.text, '$(check) AMI lab: Asterisk 23.4.1, AMI 12.0.0');
  assert.equal(connected.colour, undefined);
  const retrying = presentConnection(lab, { kind: 'retrying', inMs: 4000, attempt: 1, reason: 'reset' }, undefined, 10_000, 6_200);
  assert.equal(retrying.text, '$(sync~spin) AMI lab: retrying in 4 s');
  assert.equal(retrying.state, 'retrying');
  const failed = presentConnection(lab, { kind: 'failed', reason: 'Authentication failed.', code: 'auth-failed' }, undefined, 0, 0);
  assert.equal(failed.text, '$(error) AMI lab: failed: authentication failed');
  assert.equal(failed.colour, 'error');
  const production = presentConnection(prod, { kind: 'connecting', attempt: 0 }, undefined, 0, 0);
  assert.equal(production.text, '$(sync~spin) AMI pbx (production): connecting');
  assert.equal(production.colour, 'warning');
  assert.match(production.tooltip, /ops@pbx\.example\.com:5038/);
});
