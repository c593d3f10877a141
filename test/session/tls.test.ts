/**
 * TLS: a self-signed certificate generated at test time with openssl (node:crypto cannot make X.509).
 * Verification is on by default: rejected without the CA, accepted with caFile.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAmi } from '../../node/src/amiClient';
import { AmiConnectError } from '../../core/src/session/errors';
import { FakeAmiServer } from './fakeAmiServer';

describe('TLS transport', () => {
  let dir: string;
  let server: FakeAmiServer;
  let port: number;
  const credentials = { username: 'dev', secret: 'devsecret', events: 'off' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ami-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    server = new FakeAmiServer({
      timeScale: 0,
      tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    });
    port = await server.start();
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects an unknown self-signed certificate by default, says what to check, and does not retry', async () => {
    await assert.rejects(connectAmi({ host: '127.0.0.1', port, tls: true, credentials }), (error: AmiConnectError) => {
      assert.equal(error.code, 'tls');
      assert.match(error.message, /TLS failure with 127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/);
      assert.match(error.message, /give the CA file/);
      return true;
    });
  });

  it('accepts it with caFile, by IP and by host name, and works as AMI', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const client = await connectAmi({ host, port, tls: true, caFile: join(dir, 'cert.pem'), credentials, reconnect: false });
      assert.deepEqual(client.state, { kind: 'connected', amiVersion: '12.0.0' });
      assert.equal((await client.send([['Action', 'Ping']])).response.get('Ping'), 'Pong');
      await client.close();
    }
  });

  it('names a missing CA file', async () => {
    await assert.rejects(
      connectAmi({ host: '127.0.0.1', port, tls: true, caFile: join(dir, 'missing.pem'), credentials }),
      (error: AmiConnectError) => error.code === 'tls' && /Cannot read the CA file .*missing\.pem/.test(error.message),
    );
  });

  it('fails clearly when TLS is used against a plain TCP AMI port', async () => {
    const plain = new FakeAmiServer({ timeScale: 0 });
    const plainPort = await plain.start();
    await assert.rejects(connectAmi({ host: '127.0.0.1', port: plainPort, tls: true, credentials, reconnect: false }), (error: AmiConnectError) => {
      assert.equal(error.code, 'tls');
      assert.match(error.message, /does not speak TLS/);
      return true;
    });
    await plain.stop();
  });
});
