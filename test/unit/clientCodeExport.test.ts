/** "Copy as code": every target sends the block's headers, reads the secret from AMI_SECRET and never holds it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { blockAsCode, CODE_TARGETS } from '../../client/src/run/codeExport';

const connection = { host: '127.0.0.1', port: 5038, username: 'admin', tls: false, authType: 'md5' as const };
const originate: Array<[string, string]> = [
  ['Action', 'Originate'], ['ActionID', 'x-1'], ['Channel', 'Local/100@test'], ['Context', 'test'], ['Exten', '200'], ['Priority', '1'],
  ['Async', 'true'], ['Variable', 'ORIGVAR=hello'], ['Variable', "QUOTE=it's 100%"], ['Secret', 'hunter2'],
];

test('every target: the headers are there, the secret is not, AMI_SECRET is read', () => {
  for (const { target } of CODE_TARGETS) {
    const code = blockAsCode(target, originate, connection);
    assert.ok(!code.includes('hunter2'), `${target} never holds the secret`);
    assert.match(code, /AMI_SECRET/, target);
    assert.match(code, /Local\/100@test/, target);
    assert.match(code, /ORIGVAR/, target);
    assert.ok(!code.includes('x-1'), `${target}: the ActionID is the library's to choose`);
  }
});

test('nc transcript: the printf produces the exact AMI lines with the secret as its only argument', () => {
  const code = blockAsCode('nc', originate, connection);
  const command = code.split('\n').find((line) => line.startsWith('printf '));
  assert.ok(command);
  const printf = command.replace(/ \| nc .*$/, '');
  const out = execFileSync('bash', ['-c', printf], { env: { AMI_SECRET: 's3cr%t' }, encoding: 'utf8' });
  assert.equal(
    out,
    'Action: Login\r\nUsername: admin\r\nSecret: s3cr%t\r\n\r\nAction: Originate\r\nChannel: Local/100@test\r\nContext: test\r\nExten: 200\r\nPriority: 1\r\nAsync: true\r\nVariable: ORIGVAR=hello\r\nVariable: QUOTE=it\'s 100%\r\n\r\nAction: Logoff\r\n\r\n',
  );
  assert.match(blockAsCode('nc', originate, { ...connection, tls: true, port: 5039 }), /openssl s_client -quiet -connect 127\.0\.0\.1:5039/);
});

test('Node, Python and Java shapes', () => {
  const node = blockAsCode('node-asterisk-manager', originate, connection);
  assert.match(node, /new AsteriskManager\(5038, "127\.0\.0\.1", "admin", process\.env\.AMI_SECRET, true\)/);
  assert.match(node, /variable: \{ "ORIGVAR": "hello", "QUOTE": "it's 100%" \}/);
  const core = blockAsCode('node-ami-workbench', originate, connection);
  assert.match(core, /\["Variable", "ORIGVAR=hello"\],\n {2}\["Variable", "QUOTE=it's 100%"\]/);
  const python = blockAsCode('python-panoramisk', originate, connection);
  assert.match(python, /'Variable': \['ORIGVAR=hello', 'QUOTE=it\\'s 100%'\]/);
  assert.match(python, /secret=os\.environ\['AMI_SECRET'\]/);
  const java = blockAsCode('java-asterisk-java', originate, connection);
  assert.match(java, /OriginateAction action = new OriginateAction\(\);/);
  assert.match(java, /action\.setPriority\(1\);/);
  assert.match(java, /action\.setAsync\(true\);/);
  assert.match(java, /action\.setVariable\("ORIGVAR", "hello"\);/);
});

test('the Python and Node examples parse (python3 ast, node --check)', { skip: !hasPython() && 'no python3' }, () => {
  const python = blockAsCode('python-panoramisk', originate, connection);
  execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: python });
  const node = blockAsCode('node-asterisk-manager', originate, connection);
  execFileSync(process.execPath, ['--check', '-'], { input: node });
});

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}
