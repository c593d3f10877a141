/**
 * Build-time check against real-world material: every example request in the seed walkthrough (a wiki page of
 * `Action: X` examples with Asterisk's responses) is linted with the built `ami lint` against the newest branch
 * that has the action. Valid examples must give zero errors; the genuinely invalid ones below must give the named code.
 * Needs `npm run build` (dist/cli.js) and ../shared (read at test time only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCatalogue } from '../../core/src/catalogue/index';
import type { LintFinding } from '../../cli/src/lint';

const ROOT = join(__dirname, '..', '..');
const SEED = join(ROOT, '..', 'shared', 'seeds', '004_01d05fa9ba8930f9.txt');
const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * Examples that are invalid on purpose or no longer valid, by their line in the seed, with the code that must flag them.
 */
const EXPECTED_INVALID: Readonly<Record<number, { action: string; code: string; why: string }>> = {
  // The wiki's own "Error" examples: a required header is left out and Asterisk answers Response: Error.
  730: { action: 'ConfbridgeList', code: 'ami-missing-header', why: 'No Conference name provided' },
  769: { action: 'ConfbridgeLock', code: 'ami-missing-header', why: 'No Conference name provided' },
  792: { action: 'ConfbridgeMute', code: 'ami-missing-header', why: 'No Conference name provided' },
  815: { action: 'ConfbridgeSetSingleVideoSrc', code: 'ami-missing-header', why: 'No Conference name provided' },
  840: { action: 'ConfbridgeStartRecord', code: 'ami-missing-header', why: 'No Conference name provided' },
  861: { action: 'ConfbridgeStopRecord', code: 'ami-missing-header', why: 'No Conference name provided' },
  882: { action: 'ConfbridgeUnlock', code: 'ami-missing-header', why: 'No Conference name provided' },
  905: { action: 'ConfbridgeUnmute', code: 'ami-missing-header', why: 'No Conference name provided' },
  949: { action: 'ControlPlayback', code: 'ami-missing-header', why: 'Channel not specified' },
  1542: { action: 'FAXSession', code: 'ami-missing-header', why: 'Invalid session ID' },
  2386: { action: 'MuteAudio', code: 'ami-missing-header', why: 'State not specified' },
  2394: { action: 'MuteAudio', code: 'ami-missing-header', why: 'Direction not specified' },
  3146: { action: 'PresenceState', code: 'ami-missing-header', why: 'No provider specified' },
  // DataGet belonged to the data API that was removed long before Asterisk 18: in no branch we ship.
  1194: { action: 'DataGet', code: 'ami-unknown-action', why: 'not in Asterisk 18-23' },
  1216: { action: 'DataGet', code: 'ami-unknown-action', why: 'not in Asterisk 18-23' },
  // "Queues" (plain-text queue dump) is documented in no branch we ship.
  3513: { action: 'Queues', code: 'ami-unknown-action', why: 'not documented in Asterisk 18-23' },
  3517: { action: 'Queues', code: 'ami-unknown-action', why: 'not documented in Asterisk 18-23' },
  // A Login with its secret in the file: secrets come from the connection, never the script.
  1983: { action: 'login', code: 'ami-secret-in-file', why: 'secret in the file' },
};

interface Example {
  /** 1-based line of `Action:` in the seed. */
  line: number;
  action: string;
  text: string;
}

/** `Action: X` followed by header lines, up to a blank or non-header line; `<value>` syntax templates are skipped. */
function extractExamples(seed: string): Example[] {
  const lines = seed.split(/\r?\n/);
  const examples: Example[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = /^Action:\s*(\S+)\s*$/.exec(lines[index]);
    if (!match) continue;
    const block = [lines[index]];
    let next = index + 1;
    while (next < lines.length && /^[A-Za-z0-9_-]+(\([^)]*\))?:/.test(lines[next]) && !/^Action:/i.test(lines[next])) block.push(lines[next++]);
    if (!block.some((line) => line.includes('<value>'))) examples.push({ line: index + 1, action: match[1], text: `${block.join('\n')}\n` });
    index = next - 1;
  }
  return examples;
}

test('ami lint: the seed walkthrough examples are error-free for their branch, except the listed invalid ones', () => {
  const examples = extractExamples(readFileSync(SEED, 'utf8'));
  assert.ok(examples.length >= 120, `expected the seed's ~130 examples, found ${examples.length}`);
  const catalogue = getCatalogue();
  const directory = mkdtempSync(join(tmpdir(), 'ami-seed-'));
  try {
    // One file per example, linted in one run per target branch (the newest branch that has the action).
    const byBranch = new Map<string, string[]>();
    const exampleOfFile = new Map<string, Example>();
    for (const example of examples) {
      const branch = catalogue.action(example.action)?.branches.at(-1) ?? catalogue.newestBranch;
      const file = join(directory, `line${example.line}.ami`);
      writeFileSync(file, example.text);
      exampleOfFile.set(file, example);
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), file]);
    }
    const findings: LintFinding[] = [];
    for (const [branch, files] of byBranch) {
      let stdout: string;
      try {
        stdout = execFileSync(process.execPath, [CLI, 'lint', '--json', '--asterisk-version', branch, ...files], { encoding: 'utf8' });
      } catch (error) {
        // Exit code 1 (errors found) still prints the JSON.
        const failure = error as { status?: number; stdout?: string; stderr?: string };
        assert.equal(failure.status, 1, `ami lint failed: ${failure.stderr}`);
        stdout = failure.stdout ?? '';
      }
      findings.push(...(JSON.parse(stdout) as LintFinding[]));
    }

    const errorsByLine = new Map<number, LintFinding[]>();
    for (const finding of findings) {
      if (finding.severity !== 'error') continue;
      const example = exampleOfFile.get(finding.file);
      assert.ok(example, `finding for an unknown file ${finding.file}`);
      errorsByLine.set(example.line, [...(errorsByLine.get(example.line) ?? []), finding]);
    }
    const seen = new Set<number>();
    for (const example of examples) {
      const errors = errorsByLine.get(example.line) ?? [];
      const expected = EXPECTED_INVALID[example.line];
      if (!expected) {
        assert.deepEqual(errors.map((e) => `${e.code}: ${e.message}`), [], `seed line ${example.line} (${example.action}) should lint clean:\n${example.text}`);
        continue;
      }
      seen.add(example.line);
      assert.equal(example.action, expected.action, `seed line ${example.line} moved: expected ${expected.action}`);
      assert.ok(errors.length > 0, `seed line ${example.line} (${example.action}, ${expected.why}) should be flagged`);
      assert.deepEqual([...new Set(errors.map((e) => e.code))], [expected.code], `seed line ${example.line}: ${errors.map((e) => e.message).join(' | ')}`);
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), Object.keys(EXPECTED_INVALID).map(Number).sort((a, b) => a - b), 'every listed invalid example was found');

    // Spot checks that the messages say what to fix.
    const message = (line: number): string => errorsByLine.get(line)?.[0]?.message ?? '';
    assert.match(message(792), /ConfbridgeMute needs the headers "Conference" and "Channel"/);
    assert.match(message(3513), /Unknown action "Queues"\. Did you mean "QueueStatus"/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
