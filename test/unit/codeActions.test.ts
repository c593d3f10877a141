import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { codeActionsFor, computeCodeActions } from '../../core/src/language/codeActions';
import { computeDiagnostics } from '../../core/src/language/diagnostics';

const URI = 'file:///fix.ami';
const EVERYWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };

function documentOf(text: string): TextDocument {
  return TextDocument.create(URI, 'ami', 1, text);
}

/** Quick fixes for the diagnostics with `code` in `text`. */
function fixes(text: string, code: string): { document: TextDocument; diagnostics: Diagnostic[]; actions: CodeAction[] } {
  const document = documentOf(text);
  const diagnostics = computeDiagnostics(document).filter((d) => d.code === code);
  assert.ok(diagnostics.length > 0, `no ${code} in ${JSON.stringify(text)}`);
  return { document, diagnostics, actions: computeCodeActions(document, EVERYWHERE, diagnostics) };
}

function apply(document: TextDocument, action: CodeAction): string {
  const edits = action.edit?.changes?.[URI];
  assert.ok(edits, 'the action edits this document');
  return TextDocument.applyEdits(document, edits);
}

function codesAfter(text: string): string[] {
  return computeDiagnostics(documentOf(text)).map((d) => String(d.code));
}

test('unknown action: change to the suggestion, preferred when it is the only one', () => {
  const { document, diagnostics, actions } = fixes('Action: Orignate\nChannel: PJSIP/1', 'ami-unknown-action');
  assert.equal(actions.length, 1);
  const [action] = actions;
  assert.equal(action.title, 'Change to "Originate"');
  assert.equal(action.kind, CodeActionKind.QuickFix);
  assert.equal(action.isPreferred, true);
  assert.deepEqual(action.diagnostics, diagnostics);
  const fixed = apply(document, action);
  assert.equal(fixed, 'Action: Originate\nChannel: PJSIP/1');
  assert.deepEqual(codesAfter(fixed), []);
});

test('several candidates: one action each, best first, none preferred', () => {
  const { actions } = fixes('Action: Queues', 'ami-unknown-action');
  assert.ok(actions.length >= 2);
  assert.deepEqual(actions.map((a) => a.title).slice(0, 2), ['Change to "QueueStatus"', 'Change to "QueueSummary"']);
  assert.ok(actions.every((a) => !a.isPreferred));
});

test('unknown header and wrong case: replaced with the catalogue name', () => {
  const unknown = fixes('Action: Hangup\nChanel: PJSIP/1', 'ami-unknown-header');
  assert.equal(apply(unknown.document, unknown.actions[0]), 'Action: Hangup\nChannel: PJSIP/1');
  const casing = fixes('Action: Hangup\nchannel: PJSIP/1', 'ami-header-case');
  assert.equal(casing.actions[0].isPreferred, true);
  assert.equal(apply(casing.document, casing.actions[0]), 'Action: Hangup\nChannel: PJSIP/1');
  const actionCase = fixes('Action: hangup\nChannel: PJSIP/1', 'ami-action-case');
  assert.equal(apply(actionCase.document, actionCase.actions[0]), 'Action: Hangup\nChannel: PJSIP/1');
});

test('missing required headers: inserted after the last header with empty values, keeping CRLF and indentation', () => {
  const { document, actions } = fixes('# redirect\nAction: Redirect\nChannel: PJSIP/1\n@expect Response: Success\n\nAction: Ping\n', 'ami-missing-header');
  assert.equal(actions.length, 1);
  assert.equal(actions[0].title, 'Add the missing headers "Exten", "Context", "Priority"');
  assert.equal(actions[0].isPreferred, true);
  const fixed = apply(document, actions[0]);
  assert.equal(fixed, '# redirect\nAction: Redirect\nChannel: PJSIP/1\nExten: \nContext: \nPriority: \n@expect Response: Success\n\nAction: Ping\n');
  assert.deepEqual(codesAfter(fixed), ['ami-empty-required-header', 'ami-empty-required-header', 'ami-empty-required-header'], 'now the values are asked for');

  const crlf = fixes('  Action: Hangup\r\n  ActionID: 1\r\n', 'ami-missing-header');
  assert.equal(apply(crlf.document, crlf.actions[0]), '  Action: Hangup\r\n  ActionID: 1\r\n  Channel: \r\n');
  assert.equal(crlf.actions[0].title, 'Add the missing header "Channel"');
});

test('a stale missing-header diagnostic whose headers were added since offers nothing', () => {
  const stale = computeDiagnostics(documentOf('Action: Hangup')).filter((d) => d.code === 'ami-missing-header');
  assert.deepEqual(computeCodeActions(documentOf('Action: Hangup\nChannel: x'), EVERYWHERE, stale), []);
});

test('secrets and repeated headers: the whole line is removed (middle, last and only line)', () => {
  const middle = fixes('Action: Originate\nSecret: hunter2\nChannel: x', 'ami-secret-in-file');
  assert.equal(middle.actions[0].title, 'Remove the secret from the file');
  assert.equal(middle.actions[0].isPreferred, true);
  assert.equal(apply(middle.document, middle.actions[0]), 'Action: Originate\nChannel: x');
  const last = fixes('Action: Originate\r\nChannel: x\r\nSecret: hunter2', 'ami-secret-in-file');
  assert.equal(apply(last.document, last.actions[0]), 'Action: Originate\r\nChannel: x');
  const duplicate = fixes('Action: Hangup\nChannel: a\nChannel: b\n', 'ami-duplicate-header');
  assert.equal(duplicate.actions[0].title, 'Remove this line');
  assert.equal(apply(duplicate.document, duplicate.actions[0]), 'Action: Hangup\nChannel: a\n');
});

test('control characters are removed one by one', () => {
  const { document, actions } = fixes('Action: Ping\nActionID: a\u0000b', 'ami-control-character');
  assert.equal(actions[0].title, 'Remove the character U+0000');
  assert.equal(apply(document, actions[0]), 'Action: Ping\nActionID: ab');
});

test('a lone CR (ami-bare-cr) is replaced by the document\'s line break, one by one', () => {
  const { document, actions } = fixes('Action: UserEvent\r\nUserEvent: x\r\nVal: harmless\r\rAction: Command\r\n', 'ami-bare-cr');
  assert.equal(actions.length, 2);
  assert.equal(actions[0].title, 'Replace the lone CR with a line break');
  assert.equal(actions[0].isPreferred, true);
  const once = apply(document, actions[0]);
  assert.equal(once, 'Action: UserEvent\r\nUserEvent: x\r\nVal: harmless\r\n\rAction: Command\r\n');
  const lf = fixes('Action: Ping\rActionID: 1\n', 'ami-bare-cr');
  assert.equal(apply(lf.document, lf.actions[0]), 'Action: Ping\nActionID: 1\n');
  assert.ok(!codesAfter('Action: Ping\nActionID: 1\n').includes('ami-bare-cr'));
});

test('Action not first: moved to the top of the block', () => {
  const { document, actions } = fixes('# t\nChannel: x\nAction: Hangup\nCause: 16\n', 'ami-action-not-first');
  const fixed = apply(document, actions[0]);
  assert.equal(fixed, '# t\nAction: Hangup\nChannel: x\nCause: 16\n');
  assert.deepEqual(codesAfter(fixed), []);
  const last = fixes('Channel: x\nAction: Hangup', 'ami-action-not-first');
  assert.equal(apply(last.document, last.actions[0]), 'Action: Hangup\nChannel: x');
});

test('a second Action in a block: a blank line starts a new block', () => {
  const { document, actions } = fixes('Action: Ping\nAction: CoreStatus\n', 'ami-duplicate-header');
  const fixed = apply(document, actions[0]);
  assert.equal(fixed, 'Action: Ping\n\nAction: CoreStatus\n');
  assert.deepEqual(codesAfter(fixed), []);
});

test('invalid lines and text before the Action: turned into comments', () => {
  const before = fixes('  hello\nAction: Ping', 'ami-text-before-action');
  assert.equal(apply(before.document, before.actions[0]), '  # hello\nAction: Ping');
  const inside = fixes('Action: Ping\nnote to self', 'ami-invalid-line');
  const fixed = apply(inside.document, inside.actions[0]);
  assert.equal(fixed, 'Action: Ping\n# note to self');
  assert.deepEqual(codesAfter(fixed), []);
});

test('unknown variable: defined as a file variable at the top (after existing ones)', () => {
  const fresh = fixes('Action: UserEvent\nUserEvent: {{who}}', 'ami-unresolved-variable');
  assert.equal(fresh.actions[0].title, 'Define "@who" at the top of the file');
  assert.ok(!fresh.actions[0].isPreferred);
  const fixed = apply(fresh.document, fresh.actions[0]);
  assert.equal(fixed, '@who = \n\nAction: UserEvent\nUserEvent: {{who}}');
  assert.deepEqual(codesAfter(fixed), []);
  const existing = fixes('@a = 1\n\nAction: UserEvent\nUserEvent: {{who}}', 'ami-unresolved-variable');
  assert.equal(apply(existing.document, existing.actions[0]), '@a = 1\n@who = \n\nAction: UserEvent\nUserEvent: {{who}}');
});

test('invalid enumerated value and @expect typos: replaced by the allowed values', () => {
  const value = fixes('Action: MuteAudio\nChannel: x\nDirection: al\nState: on', 'ami-invalid-value');
  assert.equal(value.actions[0].title, 'Change to "all"');
  assert.equal(apply(value.document, value.actions[0]), 'Action: MuteAudio\nChannel: x\nDirection: all\nState: on');
  const event = fixes('Action: Ping\n@expect Event: Hangupp', 'ami-unknown-event');
  assert.equal(apply(event.document, event.actions[0]), 'Action: Ping\n@expect Event: Hangup');
});

test('only ami diagnostics with valid data that touch the range produce fixes; bad data never throws', () => {
  const document = documentOf('Action: Orignate\n\nAction: Hangup\nChanel: x');
  const diagnostics = computeDiagnostics(document);
  const secondBlock: Range = { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } };
  assert.deepEqual(computeCodeActions(document, secondBlock, diagnostics).map((a) => a.title), ['Change to "Channel"']);
  const foreign = diagnostics.map((d) => ({ ...d, source: 'eslint' }));
  assert.deepEqual(computeCodeActions(document, EVERYWHERE, foreign), []);
  const hostile: Diagnostic[] = [
    { ...diagnostics[0], data: null },
    { ...diagnostics[0], data: { fix: 'replace', replacements: [1, 2] } },
    { ...diagnostics[0], data: { fix: 'replace', replacements: [] } },
    { ...diagnostics[0], data: { fix: 'insertHeaders', headers: 'Channel' } },
    { ...diagnostics[0], data: { fix: 'defineVariable', name: 'a b\n' } },
    { ...diagnostics[0], data: { fix: 'rm -rf' } },
    { ...diagnostics[0], data: 'replace' },
    { ...diagnostics[0], range: { start: { line: 99, character: 0 }, end: { line: 99, character: 1 } } },
    { ...diagnostics[0], range: null as unknown as Range },
  ];
  assert.deepEqual(computeCodeActions(document, EVERYWHERE, hostile), []);
});

test('every fixable diagnostic of a messy file gets at least one quick fix that applies cleanly', () => {
  const text = [
    'hello',
    'Action: orignate',
    '',
    'Channel: x',
    'Action: Hangup',
    'chanel: y',
    'Secret: s',
    'ActionID: a\u001bb',
    '',
    'Action: Redirect',
    'Channel: z',
    'Channel: z2',
    'Exten: {{missing}}',
    'what is this',
    '@expect Event: Hangupp',
    'Action: Ping',
  ].join('\n');
  const document = documentOf(text);
  const diagnostics = computeDiagnostics(document);
  for (const diagnostic of diagnostics.filter((d) => d.data !== undefined)) {
    const actions = computeCodeActions(document, diagnostic.range, [diagnostic]);
    assert.ok(actions.length > 0, `no fix for ${diagnostic.code}`);
    for (const action of actions) {
      assert.equal(action.kind, CodeActionKind.QuickFix);
      assert.deepEqual(action.diagnostics, [diagnostic]);
      assert.equal(typeof apply(document, action), 'string');
    }
  }
});

test('fuzz: every fix of every diagnostic on random documents builds and applies without throwing', () => {
  let seed = 11;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const pieces = ['Action: ', 'Orignate', 'Hangup', 'Redirect', 'chanel: x', 'Channel: ', 'Secret: s', '{{v}}', '{{', '\n', '\r\n', '\r', '\n\n', '\0', '\u001b', '# @name a', '@expect Event: Hangupp', 'junk', '  ', 'Action: Ping', '@x = 1', 'Direction: bogus'];
  let fixesApplied = 0;
  for (let round = 0; round < 300; round++) {
    let text = '';
    for (let i = 0; i < 40; i++) text += pieces[Math.floor(random() * pieces.length)];
    const document = documentOf(text);
    for (const diagnostic of computeDiagnostics(document)) {
      for (const action of codeActionsFor(document, diagnostic)) {
        assert.equal(typeof apply(document, action), 'string');
        fixesApplied++;
      }
    }
  }
  assert.ok(fixesApplied > 500, `only ${fixesApplied} fixes exercised`);
});
