import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SERVER_NODE_OPTIONS, serverNodeOptions } from '../../protocol/src/serverLaunch';

test('the server gets its Node options on Node, none on Electron (VS Code desktop)', () => {
  assert.deepEqual(serverNodeOptions({ node: '20.20.2', v8: '11.3' }), ['--v8-pool-size=0']);
  assert.deepEqual(serverNodeOptions({ node: '22.20.0', electron: '37.7.0' }), []);
  // A copy: a caller may add its own options.
  assert.notEqual(serverNodeOptions({ node: '20' }), SERVER_NODE_OPTIONS);
});

test('this Node accepts the options and runs a script with them', () => {
  const run = spawnSync(process.execPath, [...SERVER_NODE_OPTIONS, '-e', 'process.stdout.write("ran")'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'ran');
});
