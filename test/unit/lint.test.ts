/** `ami lint` as users run it: the built dist/cli.js in a child process (needs `npm run build`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LintFinding } from '../../cli/src/lint';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FIXTURES = join('test', 'fixtures', 'lint');

function ami(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('ami --help, --version, no arguments and an unknown command', () => {
  const help = ami('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: ami <command>/);
  assert.match(help.stdout, /\n {2}lint +check \.ami scripts/);
  const version = ami('--version');
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const none = ami();
  assert.equal(none.status, 2);
  assert.match(none.stderr, /usage: ami <command>/);
  const unknown = ami('lnit');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "lnit"; the commands are .*lint/);
});

test('a clean file: no output on stdout, exit 0', () => {
  const result = ami('lint', join(FIXTURES, 'clean.ami'));
  assert.equal(result.status, 0);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, '0 errors, 0 warnings in 1 file\n');
});

test('errors: file:line:col severity code message lines in order, exit 1', () => {
  const file = join(FIXTURES, 'problems.ami');
  const result = ami('lint', file);
  assert.equal(result.status, 1);
  assert.deepEqual(
    result.stdout.trimEnd().split('\n').map((line) => line.split(' ').slice(0, 3).join(' ')),
    [
      `${file}:2:9 error ami-unknown-action`,
      `${file}:5:1 error ami-missing-header`,
      `${file}:6:1 warning ami-unknown-header`,
      `${file}:8:9 error ami-action-not-in-version`,
      `${file}:10:9 warning ami-connection-action`,
      `${file}:12:1 error ami-secret-in-file`,
    ],
  );
  assert.match(result.stdout, /problems\.ami:2:9 error ami-unknown-action Unknown action "Orignate"\. Did you mean "Originate"\?\n/);
  assert.equal(result.stderr, '4 errors, 2 warnings in 1 file\n');
});

test('--asterisk-version changes the target branch (SIPpeers exists in 20); full versions map to their branch', () => {
  const file = join(FIXTURES, 'problems.ami');
  for (const version of ['20', '20.11.0']) {
    const result = ami('lint', '--asterisk-version', version, file);
    assert.equal(result.status, 1);
    assert.doesNotMatch(result.stdout, /ami-action-not-in-version/);
  }
  const bad = ami('lint', '--asterisk-version=19', file);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--asterisk-version must be one of 18, 20, 21, 22, 23 \(got "19"\)/);
});

test('warnings only: exit 0; --json prints one array with LSP ranges and severity names', () => {
  const file = join(FIXTURES, 'warnings.ami');
  assert.equal(ami('lint', file).status, 0);
  const result = ami('lint', '--json', file, join(FIXTURES, 'clean.ami'));
  assert.equal(result.status, 0);
  assert.equal(result.stderr, '');
  const findings = JSON.parse(result.stdout) as LintFinding[];
  assert.deepEqual(findings, [
    {
      file,
      range: { start: { line: 0, character: 8 }, end: { line: 0, character: 15 } },
      severity: 'warning',
      code: 'ami-dangerous-action',
      message: 'Dangerous: Command runs an Asterisk CLI command, which can change or stop the PBX. Sending it asks for confirmation (ami send and ami run need --allow-dangerous).',
    },
    {
      file,
      range: { start: { line: 5, character: 10 }, end: { line: 5, character: 11 } },
      severity: 'warning',
      code: 'ami-duplicate-actionid',
      message: 'ActionID "1" is also used on line 3: responses could be matched to the wrong block. Use a unique value, {{$uuid}}, or leave ActionID out.',
    },
  ]);
});

test('hints only with --hints; --var makes unknown variables errors', () => {
  const directory = mkdtempSync(join(tmpdir(), 'ami-lint-'));
  try {
    const file = join(directory, 'vars.ami');
    writeFileSync(file, 'action: ping\nActionID: {{run}}-{{other}}\n');
    writeFileSync(join(directory, 'proto.ami'), 'Action: Ping\nActionID: {{__proto__}}-{{other}}\n');
    const plain = ami('lint', file);
    assert.equal(plain.status, 0);
    assert.equal(plain.stdout.match(/warning ami-unresolved-variable/g)?.length, 2);
    assert.doesNotMatch(plain.stdout, /hint/);
    assert.match(ami('lint', '--hints', file).stdout, /vars\.ami:1:9 hint ami-action-case Asterisk spells this action "Ping"\./);
    const withVars = ami('lint', '--var', 'run=1', '--var=x=y', file);
    assert.equal(withVars.status, 1);
    assert.match(withVars.stdout, /vars\.ami:2:21 error ami-unresolved-variable Unknown variable "\{\{other\}\}"/);
    assert.doesNotMatch(withVars.stdout, /\{\{run\}\}/);
    // A name of an object's built-in property is a variable like any other.
    const protoVar = ami('lint', '--var', '__proto__=1', '--var', 'other=2', '--var', 'run=3', file.replace('vars.ami', 'proto.ami'));
    assert.equal(protoVar.status, 0, protoVar.stdout);
    assert.doesNotMatch(protoVar.stdout, /ami-unresolved-variable/);
    const badVar = ami('lint', '--var', 'novalue', file);
    assert.equal(badVar.status, 2);
    assert.match(badVar.stderr, /--var takes NAME=VALUE \(got "novalue"\)/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('usage errors and unreadable files: clear message, exit 2, the readable files are still linted', () => {
  const noFile = ami('lint');
  assert.equal(noFile.status, 2);
  assert.match(noFile.stderr, /ami lint: no file given\nrun ami lint --help for usage/);
  const unknownOption = ami('lint', '--bogus', 'x.ami');
  assert.equal(unknownOption.status, 2);
  assert.match(unknownOption.stderr, /unknown option --bogus/);
  const mixed = ami('lint', 'missing.ami', FIXTURES, join(FIXTURES, 'problems.ami'));
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /ami lint: cannot read missing\.ami: no such file\n/);
  assert.match(mixed.stderr, /test\/fixtures\/lint is a directory: give the \.ami files/);
  assert.match(mixed.stdout, /problems\.ami:2:9 error ami-unknown-action/);
  assert.match(mixed.stderr, /4 errors, 2 warnings in 1 file/);
  const help = ami('lint', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--asterisk-version N/);
});

test('invalid UTF-8 and control characters: reported, and escaped so they cannot drive the terminal', () => {
  const latin1 = ami('lint', join(FIXTURES, 'latin1.ami'));
  assert.equal(latin1.status, 1);
  assert.match(latin1.stdout, /latin1\.ami:2:14 error ami-invalid-utf8 The file is not valid UTF-8 here: save it as UTF-8\./);
  const directory = mkdtempSync(join(tmpdir(), 'ami-lint-'));
  try {
    const file = join(directory, 'esc.ami');
    writeFileSync(file, 'Action: Orig\u001b[2Jnate\n');
    const result = ami('lint', file);
    assert.equal(result.status, 1);
    assert.doesNotMatch(result.stdout, /\u001b/);
    assert.match(result.stdout, /Unknown action "Orig\\u001b\[2Jnate"/);
    assert.match(result.stdout, /esc\.ami:1:13 warning ami-control-character An invisible escape character/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('hostile files: 200,000 findings are all reported (no stack overflow); FIFO, /dev/zero and oversize files are refused', () => {
  const directory = mkdtempSync(join(tmpdir(), 'ami-lint-hostile-'));
  try {
    // 1.4 MB, 200,000 findings: `findings.push(...200,000)` used to throw RangeError.
    const many = join(directory, 'many.ami');
    writeFileSync(many, 'Action: Ping\nx\n'.repeat(100_000));
    const manyResult = spawnSync(process.execPath, [CLI, 'lint', many], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
    assert.equal(manyResult.status, 1, manyResult.stderr.slice(0, 500));
    assert.doesNotMatch(manyResult.stderr, /RangeError|Maximum call stack/);
    assert.match(manyResult.stderr, /^200000 errors, 0 warnings in 1 file\n$/);
    assert.equal(manyResult.stdout.split('\n').filter(Boolean).length, 200_000);

    // A FIFO would block forever on open: refused from its type, without opening it.
    const fifo = join(directory, 'pipe.ami');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const fifoResult = spawnSync(process.execPath, [CLI, 'lint', fifo], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(fifoResult.status, 2);
    assert.match(fifoResult.stderr, /pipe\.ami is a FIFO \(named pipe\), not a regular file: give a \.ami file, or - to read standard input/);

    // A symlink to /dev/zero would be read forever.
    const zero = join(directory, 'zero.ami');
    symlinkSync('/dev/zero', zero);
    const zeroResult = spawnSync(process.execPath, [CLI, 'lint', zero], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(zeroResult.status, 2);
    assert.match(zeroResult.stderr, /zero\.ami is a character device, not a regular file/);

    // Over the size limit (a sparse file: nothing is written to disk).
    const huge = join(directory, 'huge.ami');
    writeFileSync(huge, '');
    truncateSync(huge, 9 * 1024 * 1024);
    const hugeResult = spawnSync(process.execPath, [CLI, 'lint', huge], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(hugeResult.status, 2);
    assert.match(hugeResult.stderr, /huge\.ami is larger than 8 MiB \(9,437,184 bytes or more\), the limit for a script: split it into smaller files/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('- reads standard input; quoted globs (* and **) are expanded; a glob without a match is a usage error', () => {
  const stdin = spawnSync(process.execPath, [CLI, 'lint', '-'], { cwd: ROOT, encoding: 'utf8', input: 'Action: Orignate\n' });
  assert.equal(stdin.status, 1);
  assert.match(stdin.stdout, /^<stdin>:1:9 error ami-unknown-action/);

  const star = ami('lint', 'test/fixtures/lint/*.ami');
  const expected = readdirSync(join(ROOT, FIXTURES)).filter((name) => name.endsWith('.ami')).length;
  assert.match(star.stderr, new RegExp(`in ${expected} files\\n$`));
  assert.match(star.stdout, /test\/fixtures\/lint\/problems\.ami:2:9 error ami-unknown-action/);
  const deep = ami('lint', 'test/**/clean.ami');
  assert.equal(deep.status, 0, deep.stderr);
  assert.equal(deep.stderr, '0 errors, 0 warnings in 1 file\n');
  const none = ami('lint', 'test/fixtures/lint/*.nothing');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no file matches test\/fixtures\/lint\/\*\.nothing/);
});
