// The quick check (core/src/language/quickCheck.ts) passes only blocks the full check finds clean: a file's first
// check, which uses it, must give exactly what the full check of the same parse gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CheckingParse, computeDiagnostics } from '../../core/src/language/diagnostics';
import type { LanguageSettings } from '../../core/src/language/types';
import { actionHeaderRange, lineKinds, parseBlockAt, parseScript } from '../../core/src/script/parser';
import { generateScript } from '../../bench/lspScript';

/** Lines a block may hold: clean ones and one of each finding the checks know, with variables of every kind. */
const HEADER_LINES = [
  'Channel: PJSIP/alice',
  'Channel: {{peer}}',
  'Channel: {{later}}',
  'Channel: {{call.Channel}}',
  'Channel: {{nosuch}}',
  'Channel: {{call}}',
  'Channel: {{ $uuid }}',
  'Channel: {{$env HOME}}',
  'Channel: {{$env}}',
  'Channel: {{$uuid x}}',
  'Channel: {{$nope}}',
  'Channel: {{}}',
  'Channel: {{open',
  'Channel: {{peer',
  'Channel: {{profileSafe}}',
  'Channel: {{profileUnsafe}}',
  'channel: lower',
  'Channel:',
  'Context: default',
  'Exten: 100',
  'Priority: 1',
  'Async: true',
  'Async: maybe',
  'Async: {{flag}}',
  'Variable: A=1',
  'Variable: B=2',
  'Application: System',
  'Data: echo hi',
  'Data: ${SHELL(id)}',
  'Queue: support',
  'Interface: PJSIP/bob',
  'Paused: true',
  'Paused: sometimes',
  'ActionID: fixed-1',
  'ActionID: {{$uuid}}',
  'Secret: hunter2',
  'Key: x',
  'Family: f',
  'Command: core show version',
  'Nosuchheader: 1',
  'Action: Ping',
  'Cause: 16',
  `Data: ${'x'.repeat(400)}`,
  'UnitAmount(0): 5',
  'Codecs: ulaw',
  'Variable: SOURCE={{peer}}',
];
const OTHER_LINES = [
  '# a comment',
  '; another',
  '# @name call',
  '# @name call2',
  '# @name 9bad',
  '# @name',
  '# @timeout 5s',
  '@expect Response: Success',
  '@expect Response: Sucess',
  '@expect Event: OriginateResponse Response=Success within 5s',
  '@expect Event: NoSuchEvent',
  '@expect List: >=1',
  '@expect Nonsense',
  '@expect Response: {{status}}',
  'not a header line',
  '@inside = 1',
  '\0\0\0',
];
const ACTIONS = ['Ping', 'Originate', 'Status', 'QueuePause', 'QueueAdd', 'DBGet', 'Command', 'Login', 'UserEvent', 'Hangup', 'Getvar', 'Setvar', 'ping', 'Originat', '{{action}}', '', 'CoreShowChannels'];

/** A small seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** Clean blocks (given the file variables randomScript writes), and blocks with one finding the quick check must leave. */
const TEMPLATES: readonly (readonly string[])[] = [
  ['Action: Ping'],
  ['# @name first', '# @name second', 'Action: Ping'],
  ['# Call alice', '# @name call', 'Action: Originate', 'Channel: PJSIP/alice', 'Exten: 100', 'Context: default', 'Priority: 1', 'Async: true', '@expect Response: Success'],
  ['Action: Hangup', 'Channel: {{call.Channel}}', 'Cause: 16'],
  ['# @name call2', 'Action: Hangup', 'Channel: {{call2.Channel}}'],
  ['Action: Getvar', 'Channel: {{peer}}', 'Variable: CALLERID(num)'],
  ['Action: Setvar', 'Variable: X', 'Value: {{$uuid}}'],
  ['Action: Status', 'Channel: {{profileUnsafe}}'],
  ['Action: Status', 'Channel: {{profileSafe}}'],
  ['Action: Command', 'Command: core show version'],
  ['Action: Originate', 'Channel: PJSIP/alice', 'Application: System', 'Data: echo'],
  ['Action: Bridge', 'Channel1: a', 'Channel2: b', 'Tone: Both'],
  ['Action: ControlPlayback', 'Channel: a', 'Control: pause'],
  ['Action: UserEvent', 'UserEvent: Mine', 'Anything: goes'],
  ['Action: QueueAdd', 'Queue: support', 'Interface: PJSIP/bob', 'Paused: true'],
];

/** One change to a block's lines: a line added, removed or replaced (or none). */
function mutate(random: () => number, lines: readonly string[]): string[] {
  const result = [...lines];
  const roll = random();
  const at = Math.floor(random() * (result.length + 1));
  const line = random() < 0.7 ? pick(random, HEADER_LINES) : pick(random, OTHER_LINES);
  if (roll < 0.35) return result;
  if (roll < 0.6) result.splice(at, 0, line);
  else if (roll < 0.8) result.splice(Math.min(at, result.length - 1), 1);
  else result[Math.min(at, result.length - 1)] = random() < 0.5 ? line : result[Math.min(at, result.length - 1)].replace(/: .*/, `: ${pick(random, ['x', 'maybe', '', '{{peer}}', 'Both'])}`);
  return result;
}

/** A file of blocks, mostly clean templates with one change, with file variables before and after the blocks. */
function randomScript(random: () => number): string {
  const lines: string[] = ['@peer = PJSIP/alice'];
  const blocks = 1 + Math.floor(random() * 12);
  for (let block = 0; block < blocks; block++) {
    if (random() < 0.7) {
      lines.push(...mutate(random, pick(random, TEMPLATES)));
    } else {
      if (random() < 0.3) lines.push(pick(random, OTHER_LINES));
      if (random() < 0.9) lines.push(`Action: ${pick(random, ACTIONS)}`);
      const count = Math.floor(random() * 6);
      for (let index = 0; index < count; index++) lines.push(random() < 0.8 ? pick(random, HEADER_LINES) : pick(random, OTHER_LINES));
    }
    lines.push(random() < 0.1 ? '### part' : '');
  }
  if (random() < 0.5) lines.push('@later = 1');
  return lines.join(random() < 0.2 ? '\r\n' : '\n');
}

const SETTINGS: LanguageSettings[] = [
  {},
  { asteriskVersion: '22' },
  { allowedActions: new Set(['ping', 'status', 'originate']) },
  { profileVariables: { profileSafe: 'x', profileUnsafe: 'a\nb', peer: 'p', 'call.Channel': 'a\rb' } },
];

/** The first check (parse and check together, with the quick check) against the full check of the same parse. */
function assertSameAsFullCheck(text: string, settings: LanguageSettings, what: string): void {
  const document = TextDocument.create('file:///quick.ami', 'ami', 1, text);
  const first = computeDiagnostics(document, settings);
  const full = computeDiagnostics(document, settings, parseScript(text));
  assert.deepEqual(first, full, `${what}\n${JSON.stringify(text)}`);
}

test('the first check gives exactly what the full check gives, on random blocks of every finding and settings', () => {
  const random = prng(7);
  let findings = 0;
  for (let round = 0; round < 600; round++) {
    const text = randomScript(random);
    for (const settings of SETTINGS) {
      assertSameAsFullCheck(text, settings, `round ${round}, settings ${JSON.stringify(settings, (_, v: unknown) => (v instanceof Set ? [...v] : v))}`);
    }
    findings += computeDiagnostics(TextDocument.create('file:///f.ami', 'ami', 1, text)).length;
  }
  // The corpus must hold both clean blocks and findings, or the comparison proves little.
  assert.ok(findings > 400, `only ${findings} findings`);
});

test('clean blocks of a large file pass the quick check; names and variables settle in file order', () => {
  const blocks: string[] = ['@context = from-internal'];
  for (let index = 0; index < 600; index++) {
    blocks.push(
      [`# Originate call ${index}`, `# @name call${index}`, 'Action: Originate', 'Channel: PJSIP/alice', 'Context: {{context}}', `Exten: ${100 + index}`, 'Priority: 1', 'Async: true', '@expect Response: Success'].join('\n'),
      ['Action: Hangup', `Channel: {{call${index}.Channel}}`, 'Cause: 16'].join('\n'),
    );
  }
  // A name used twice, a result used before its block, and a variable defined only at the end.
  blocks.push('# @name call3\nAction: Ping', 'Action: Hangup\nChannel: {{call9999.Channel}}', 'Action: Hangup\nChannel: {{late}}', '@late = 1');
  const text = blocks.join('\n\n');
  assertSameAsFullCheck(text, {}, 'large file');
  const checking = firstCheck(text);
  assert.deepEqual(checking.result().map((d) => d.code), ['ami-duplicate-name', 'ami-unresolved-variable']);
  // Only the two blocks with a finding were read by the full check.
  assert.equal(checking.blocksCheckedInFull, 2);
});

/** A file's first check, run to the end (what the server does for a document it has not parsed yet). */
function firstCheck(text: string, settings: LanguageSettings = { asteriskVersion: '23' }): CheckingParse {
  const checking = new CheckingParse(TextDocument.create('file:///first.ami', 'ami', 1, text), settings);
  while (!checking.step(Number.POSITIVE_INFINITY));
  return checking;
}

test("bench:lsp's file: its clean blocks pass on the quick check alone, so its first diagnostics stay fast", () => {
  // The speed target for a first check (≤ 100 ms for 10,000 blocks) holds only while clean blocks skip the full check.
  const clean = firstCheck(generateScript(2_000, false));
  assert.deepEqual(clean.result(), []);
  assert.equal(clean.blocksCheckedInFull, 0);
  const withMistakes = firstCheck(generateScript(2_000, true));
  const wrongBlocks = 2_000 / 16;
  assert.equal(withMistakes.result().length, wrongBlocks);
  assert.equal(withMistakes.blocksCheckedInFull, wrongBlocks);
});

/** Blocks that exercise the title rules (empty comments, a line that is not a header, separators), and their titles. */
const TITLE_TEXTS: readonly (readonly [string, readonly string[]])[] = [
  ['# One\n#\n# Two\nAction: Ping', ['One Two']],
  ['# Lost\nnot a header line\n# Kept\nAction: Ping', ['Kept']],
  ['# Lost\nnot a header line\nAction: Ping\n# after', ['']],
  ['### Part\nAction: Ping\n\n### Part two\n# Own title\n# @name x\nAction: Ping', ['Part', 'Own title']],
  // A blank line between a separator and the block: the separator titles nothing.
  ['### Part\n\n;\nAction: Ping', ['']],
];

test('a whole-file parse summarises blocks from line records as the node builder does', () => {
  const random = prng(11);
  for (const [text, titles] of TITLE_TEXTS) assert.deepEqual(parseScript(text).blocks.map((block) => block.title), titles, JSON.stringify(text));
  const texts = TITLE_TEXTS.map(([text]) => text);
  for (let round = 0; round < 200; round++) texts.push(randomScript(random));
  for (const [round, text] of texts.entries()) {
    for (const block of parseScript(text).blocks) {
      const letters = block.lines.map((line) => ({ header: 'h', comment: 'c', directive: 'd', expect: 'e', invalid: 'i' })[line.kind]).join('');
      assert.equal(lineKinds(block), letters, `round ${round} block ${block.index}`);
      assert.deepEqual(actionHeaderRange(block), block.actionHeader?.range, `round ${round} block ${block.index}`);
      // Title, name and action from the records, as the node builder finds them for the same block.
      const built = parseBlockAt(text, block.range.start.line);
      assert.deepEqual([block.title, block.name, block.action], [built?.title, built?.name, built?.action], `round ${round} block ${block.index}`);
    }
  }
});
