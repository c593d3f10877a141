import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { resolveBranch } from '../../core/src/catalogue/queries';
import { DiagnosticCode } from '../../core/src/language/diagnosticCodes';
import { computeDiagnostics } from '../../core/src/language/diagnostics';
import { getCatalogue } from '../../core/src/catalogue/index';
import { parseScript } from '../../core/src/script/parser';
import type { LanguageSettings } from '../../core/src/language/types';

const { Error: E, Warning: W } = DiagnosticSeverity;

function diagnose(text: string, settings?: LanguageSettings): Diagnostic[] {
  return computeDiagnostics(TextDocument.create('file:///test.ami', 'ami', 1, text), settings);
}

/** `line:code:severity` of each diagnostic (1-based line), sorted, for compact assertions. */
function summary(text: string, settings?: LanguageSettings): string[] {
  return diagnose(text, settings)
    .map((d) => `${d.range.start.line + 1}:${d.code}:${d.severity}`)
    .sort();
}

function only(text: string, code: string, settings?: LanguageSettings): Diagnostic {
  const found = diagnose(text, settings).filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diagnose(text, settings), null, 1)}`);
  return found[0];
}

const codesSeen = new Set<string>();
function see(diagnostics: Diagnostic[]): Diagnostic[] {
  for (const d of diagnostics) codesSeen.add(String(d.code));
  return diagnostics;
}

test('a clean file gives no diagnostics; every diagnostic has source ami and a known code', () => {
  const text = [
    '@exten = 200',
    '',
    '# Originate a test call',
    '# @name call',
    'Action: Originate',
    'Channel: Local/100@test',
    'Context: test',
    'Exten: {{exten}}',
    'Priority: 1',
    'Async: true',
    'Variable: ORIGVAR=hello',
    'Variable: OTHER=x',
    'ActionID: {{$uuid}}',
    '@expect Response: Success',
    '@expect Event: OriginateResponse Response=Success within 5s',
    '',
    'Action: Hangup',
    'Channel: {{call.Channel}}',
    'Cause: {{$env CAUSE}}',
    '@expect List: >=1',
    '',
    '### UserEvent takes any header',
    'Action: UserEvent',
    'UserEvent: Hello',
    'Anything: {{$prompt Who}}',
    'Other(suffix): {{$timestamp}}',
    '',
    'Action: UpdateConfig',
    'SrcFilename: a.conf',
    'DstFilename: a.conf',
    'Action-000000: Append',
    'Action-000001: newcat',
  ].join('\n');
  const all = diagnose(text);
  assert.deepEqual(all.map((d) => d.code), ['ami-dangerous-action'], 'only UpdateConfig is reported (dangerous)');
  const codes = new Set<string>(Object.values(DiagnosticCode));
  const noisy = diagnose('x\nAction: Orignate\nSecret: s\n\nAction: Ping\n{{a\n@expect nope\n\u0000');
  assert.ok(noisy.length > 3);
  for (const d of [...all, ...noisy]) {
    assert.equal(d.source, 'ami');
    assert.ok(codes.has(String(d.code)), String(d.code));
    assert.match(String(d.code), /^ami-[a-z0-9-]+$/);
  }
});

test('unknown action: error with did-you-mean and replace data', () => {
  const d = see([only('Action: Orignate\nChannel: x', DiagnosticCode.unknownAction)])[0];
  assert.equal(d.severity, E);
  assert.deepEqual(d.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 16 } });
  assert.match(d.message, /Unknown action "Orignate"\. Did you mean "Originate"\?/);
  assert.deepEqual(d.data, { fix: 'replace', replacements: ['Originate'] });
  const far = only('Action: Zzzzzzzzzz', DiagnosticCode.unknownAction);
  assert.equal(far.data, undefined);
  assert.match(far.message, /Check the spelling/);
  // Unknown action: its headers are not second-guessed.
  assert.deepEqual(summary('Action: Orignate\nChanel: x'), ['1:ami-unknown-action:1']);
});

test('action and header spelled in another case: hints with the catalogue spelling', () => {
  const text = 'Action: originate\nchannel: PJSIP/1\nAPPLICATION: Playback';
  see(diagnose(text));
  assert.deepEqual(summary(text), ['1:ami-action-case:4', '2:ami-header-case:4', '3:ami-header-case:4']);
  const header = diagnose(text).find((d) => d.code === DiagnosticCode.headerCase)!;
  assert.deepEqual(header.data, { fix: 'replace', replacements: ['Channel'] });
  assert.deepEqual(header.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
});

test('missing required headers: one error on the Action line listing them; empty required value is an error too', () => {
  const d = see([only('Action: Redirect\nChannel: PJSIP/1-0001', DiagnosticCode.missingHeader)])[0];
  assert.equal(d.severity, E);
  assert.equal(d.range.start.line, 0);
  assert.match(d.message, /Redirect needs the headers "Exten", "Context" and "Priority"/);
  assert.deepEqual(d.data, { fix: 'insertHeaders', headers: ['Exten', 'Context', 'Priority'] });
  const empty = see([only('Action: Hangup\nChannel:', DiagnosticCode.emptyRequiredHeader)])[0];
  assert.equal(empty.severity, E);
  assert.equal(empty.range.start.line, 1);
  assert.deepEqual(summary('Action: Ping'), []);
});

test('unknown header for a known action: warning with suggestions; ActionID is fine everywhere; UserEvent takes anything', () => {
  const d = see([only('Action: Originate\nChanel: PJSIP/1\nChannel: PJSIP/1', DiagnosticCode.unknownHeader)])[0];
  assert.equal(d.severity, W);
  assert.match(d.message, /Originate has no header "Chanel"/);
  assert.deepEqual(d.data, { fix: 'replace', replacements: ['Channel'] });
  assert.deepEqual(summary('Action: PJSIPShowEndpoints\nActionID: 1'), [], 'ActionID without a catalogue entry');
  const none = only('Action: Ping\nFoo: bar', DiagnosticCode.unknownHeader);
  assert.match(none.message, /Its headers are ActionID\./);
  assert.deepEqual(summary('Action: UserEvent\nUserEvent: X\nWhatever: 1\nWhatever: 2'), []);
  // Numbered families: UpdateConfig Action-NNNNNN, AOCMessage UnitAmount(N).
  assert.deepEqual(summary('Action: AOCMessage\nChannel: x\nMsgType: D\nChargeType: Unit\nUnitAmount(0): 1\nUnitAmount(1): 2\nUnitType(1): 3'), []);
  assert.deepEqual(summary('Action: UpdateConfig\nSrcFilename: a\nDstFilename: a\nAction-00000: Append').filter((s) => s.includes('unknown-header')), ['4:ami-unknown-header:2']);
});

test('value not in an enumerated list: warning; booleans accept every ast_true/ast_false spelling; open lists unchecked', () => {
  const d = see([only('Action: MuteAudio\nChannel: x\nDirection: both\nState: on', DiagnosticCode.invalidValue)])[0];
  assert.equal(d.severity, W);
  assert.match(d.message, /"both" is not a value of Direction: use "in", "out" or "all"/);
  assert.deepEqual((d.data as { replacements: string[] }).replacements.sort(), ['all', 'in', 'out']);
  assert.deepEqual(summary('Action: MuteAudio\nChannel: x\nDirection: ALL\nState: ON'), [], 'case-insensitive');
  for (const value of ['yes', 'no', 'true', '1', '0', 'On', 'f']) {
    assert.deepEqual(summary(`Action: QueueReload\nMembers: ${value}`), [], value);
  }
  assert.equal(only('Action: QueueReload\nMembers: maybe', DiagnosticCode.invalidValue).severity, W);
  assert.deepEqual(summary('Action: Originate\nChannel: x\nAsync: yes'), [], 'Async has no list');
  assert.deepEqual(summary('Action: ModuleLoad\nModule: chan_pjsip.so\nLoadType: reload').filter((s) => !s.includes('dangerous')), [], 'ModuleLoad.Module lists examples only');
  assert.deepEqual(summary('Action: Events\nEventMask: system,call'), [], 'comma lists are not enumerations');
  assert.deepEqual(summary('Action: MuteAudio\nChannel: x\nDirection: {{dir}}\nState: on\n\n@dir = in'), [], 'variables are not checked');
});

test('a header repeated where only one is allowed: warning on the repeat with related information; Variable may repeat', () => {
  const d = see([only('Action: Hangup\nChannel: a\nChannel: b', DiagnosticCode.duplicateHeader)])[0];
  assert.equal(d.severity, W);
  assert.equal(d.range.start.line, 2);
  assert.match(d.message, /only the first one \(line 2\)/);
  assert.equal(d.relatedInformation?.[0].location.range.start.line, 1);
  assert.deepEqual(summary('Action: Originate\nChannel: x\nVariable: a=1\nVariable: b=2\nvariable: c=3').filter((s) => !s.includes('case')), []);
  const second = only('Action: Ping\nAction: Ping', DiagnosticCode.duplicateHeader);
  assert.equal(second.severity, E);
  assert.deepEqual(second.data, { fix: 'splitBlock' });
});

test('block structure: no Action, Action not first, text before the first header, invalid lines with specific advice', () => {
  see(diagnose('Channel: x\n\nChannel: x\nAction: Hangup\n\nhello\nAction: Ping\n\nAction: Ping\nbad line\nName : v\n@x = 1\n@foo\n\n# @name z'));
  assert.equal(only('Channel: x', DiagnosticCode.missingAction).severity, E);
  const notFirst = only('Channel: x\nAction: Hangup', DiagnosticCode.actionNotFirst);
  assert.equal(notFirst.range.start.line, 1);
  assert.deepEqual(notFirst.data, { fix: 'moveActionFirst' });
  const before = only('hello\nAction: Ping', DiagnosticCode.textBeforeAction);
  assert.deepEqual(before.data, { fix: 'commentLine' });
  assert.equal(diagnose('hello\nAction: Ping').length, 1, 'the block still has its Action');
  const invalid = diagnose('Action: Ping\nbad line\nName : v\n@x = 1\n@foo\nBad name: 1').filter((d) => d.code === DiagnosticCode.invalidLine);
  assert.deepEqual(invalid.map((d) => d.range.start.line), [1, 2, 3, 4, 5]);
  assert.match(invalid[0].message, /no colon/);
  assert.match(invalid[1].message, /space before the colon/);
  assert.match(invalid[2].message, /go outside blocks/);
  assert.match(invalid[3].message, /@expect/);
  assert.match(invalid[4].message, /"Bad name" is not a header name/);
  assert.match(only('# @name z', DiagnosticCode.missingAction).message, /nothing would be sent/);
  assert.match(only('Action:', DiagnosticCode.missingAction).message, /`Action:` is empty/);
});

test('control characters: NUL and lone CR are errors, ESC/U+2028 are warnings, capped on binary input', () => {
  const nul = see([only('Action: Ping\nActionID: a\u0000b', DiagnosticCode.controlCharacter)])[0];
  assert.equal(nul.severity, E);
  assert.deepEqual(nul.range, { start: { line: 1, character: 11 }, end: { line: 1, character: 12 } });
  assert.deepEqual(nul.data, { fix: 'deleteRange' });
  assert.equal(only('Action: Ping\nActionID: a\u001bb', DiagnosticCode.controlCharacter).severity, W);
  assert.match(only('Action: Ping\nActionID: a\u2028b', DiagnosticCode.controlCharacter).message, /line separator/);
  const cr = see([only('Action: Ping\rActionID: 1', DiagnosticCode.bareCr)])[0];
  assert.equal(cr.severity, E);
  assert.match(cr.message, /lone carriage return \(CR\) ends this line: a terminal or a diff shows what follows on the same line/);
  assert.deepEqual(cr.range, { start: { line: 0, character: 12 }, end: { line: 1, character: 0 } });
  assert.deepEqual(cr.data, { fix: 'lineBreak' });
  // The case: it looks like one header, and hides an Action: Command.
  const hidden = diagnose('Action: UserEvent\nUserEvent: x\nVal: harmless\r\rAction: Command\rCommand: core show version\n');
  assert.equal(hidden.filter((d) => d.code === DiagnosticCode.bareCr && d.severity === E).length, 3);
  assert.deepEqual(summary('Action: Ping\r\nActionID: 1\r\n'), [], 'CR LF is fine');
  assert.deepEqual(summary('Action: Ping\nActionID: a\tb'), [], 'TAB is fine');
  const flood = diagnose('# x\n' + '\u0001'.repeat(5000)).filter((d) => d.code === DiagnosticCode.controlCharacter);
  assert.equal(flood.length, 101);
  assert.match(flood[100].message, /4900 more control characters/);
});

test('limits: a header over 1022 UTF-8 bytes, a block over 128 headers', () => {
  const ok = `Action: Ping\nActionID: ${'x'.repeat(1022 - 'ActionID: '.length)}`;
  assert.deepEqual(summary(ok), []);
  const long = see([only(`${ok}x`, DiagnosticCode.lineTooLong)])[0];
  assert.equal(long.severity, E);
  assert.match(long.message, /1023 bytes/);
  // 340 three-byte characters = 1020 bytes, + "ActionID: " = 1030 bytes although only 350 UTF-16 units.
  assert.match(only(`Action: Ping\nActionID: ${'€'.repeat(340)}`, DiagnosticCode.lineTooLong).message, /1030 bytes/);
  const headers = (count: number): string => `Action: UserEvent\nUserEvent: x\n${Array.from({ length: count }, (_, i) => `H${i}: v`).join('\n')}`;
  assert.deepEqual(summary(headers(125)), [], '127 headers + the ActionID the runner adds = 128');
  const many = see([only(headers(126), DiagnosticCode.tooManyHeaders)])[0];
  assert.equal(many.severity, E);
  assert.match(many.message, /sends 129 headers/);
  assert.deepEqual(summary(`${headers(125)}\nActionID: 1`), [], 'with its own ActionID: 128');
});

test('duplicate user ActionID across the file: warning with related information; variables are skipped', () => {
  const d = see([only('Action: Ping\nActionID: 1\n\nAction: Ping\nActionID: 1', DiagnosticCode.duplicateActionId)])[0];
  assert.equal(d.severity, W);
  assert.equal(d.range.start.line, 4);
  assert.equal(d.relatedInformation?.[0].location.range.start.line, 1);
  assert.deepEqual(summary('Action: Ping\nActionID: {{$uuid}}\n\nAction: Ping\nActionID: {{$uuid}}'), []);
});

test('target branch: actions and headers missing from it name the branches that have them', () => {
  const d = see([only('Action: SIPpeers', DiagnosticCode.actionNotInVersion)])[0];
  assert.equal(d.severity, E);
  assert.match(d.message, /SIPpeers does not exist in Asterisk 23; it exists in 18 and 20/);
  assert.deepEqual(summary('Action: SIPpeers', { asteriskVersion: '20' }), []);
  assert.deepEqual(summary('Action: SIPpeers', { asteriskVersion: '20.5.1' }), [], 'a full version maps to its branch');
  const header = see([only('Action: QueueAdd\nQueue: q\nInterface: PJSIP/1\nReason: lunch', DiagnosticCode.headerNotInVersion, { asteriskVersion: '18' })])[0];
  assert.equal(header.severity, W);
  assert.match(header.message, /QueueAdd has no "Reason" header in Asterisk 18 \(it has in 20, 21, 22 and 23\)/);
  assert.deepEqual(summary('Action: QueueAdd\nQueue: q\nInterface: PJSIP/1\nReason: lunch'), []);
  const unknown = see([only('Action: Ping', DiagnosticCode.unknownAsteriskVersion, { asteriskVersion: '11' })])[0];
  assert.match(unknown.message, /"11" is not one the catalogue covers .*checking against 23/);
  assert.deepEqual(resolveBranch(getCatalogue(), '19'), { branch: '23', known: false });
});

test('actions the connected user may not run: warning only when allowedActions is known', () => {
  const settings = { allowedActions: new Set(['ping', 'corestatus']) };
  assert.deepEqual(summary('Action: Ping\n\nAction: coreStatus', settings).filter((s) => !s.includes('case')), []);
  const d = see([only('Action: Hangup\nChannel: x', DiagnosticCode.actionNotAllowed, settings)])[0];
  assert.equal(d.severity, W);
  assert.match(d.message, /may not run Hangup .*manager\.conf/);
  assert.deepEqual(summary('Action: Hangup\nChannel: x'), []);
});

test('dangerous actions: warning with the reason from core/src/safety', () => {
  const d = see([only('Action: Originate\nChannel: Local/1@x\nApplication: System\nData: id', DiagnosticCode.dangerousAction)])[0];
  assert.equal(d.severity, W);
  assert.match(d.message, /Dangerous: Originate with Application System runs a shell command/);
  assert.match(only('Action: Command\nCommand: core show version', DiagnosticCode.dangerousAction).message, /Command runs an Asterisk CLI command/);
  assert.match(only('Action: Getvar\nVariable: SHELL(id)', DiagnosticCode.dangerousAction).message, /SHELL/);
});

test('secrets: Secret anywhere, Key except where the action documents it (DBGet)', () => {
  const d = see([only('Action: Originate\nChannel: x\nSecret: hunter2', DiagnosticCode.secretInFile)])[0];
  assert.equal(d.severity, E);
  assert.deepEqual(d.data, { fix: 'deleteLine' });
  assert.equal(diagnose('Action: Originate\nChannel: x\nSecret: hunter2').length, 1, 'not also an unknown header');
  assert.deepEqual(summary('Action: DBGet\nFamily: f\nKey: k'), []);
  assert.equal(only('Action: Ping\nKey: abc', DiagnosticCode.secretInFile).range.start.line, 1);
  assert.deepEqual(summary('Action: Login\nUsername: u\nSecret: s\nKey: k'), ['1:ami-connection-action:2', '3:ami-secret-in-file:1', '4:ami-secret-in-file:1']);
});

test('Login, Challenge and Logoff in a script: warning, the connection does them', () => {
  for (const action of ['Login', 'Challenge', 'Logoff']) {
    const d = see([only(`Action: ${action}`, DiagnosticCode.connectionAction)])[0];
    assert.equal(d.severity, W);
    assert.match(d.message, new RegExp(`The connection does ${action} itself`));
  }
});

test('variables: file, profile, earlier named blocks and built-ins resolve; the rest is flagged with the fix', () => {
  const base = '@host = pbx\n\n# @name first\nAction: Ping\n\n';
  assert.deepEqual(summary(`${base}Action: UserEvent\nUserEvent: {{host}}\nA: {{first.Response}}\nB: {{first.events.X.Y}}\nC: {{$env HOME}}`), []);
  const unknown = see([only(`${base}Action: UserEvent\nUserEvent: {{nope}}`, DiagnosticCode.unresolvedVariable)])[0];
  assert.equal(unknown.severity, W, 'a warning while the profile variables are unknown');
  assert.match(unknown.message, /Unknown variable "\{\{nope\}\}": define it with `@nope = value`/);
  assert.deepEqual(unknown.data, { fix: 'defineVariable', name: 'nope' });
  assert.deepEqual(unknown.range, { start: { line: 6, character: 13 }, end: { line: 6, character: 17 } });
  const withProfile = { profileVariables: { ext: '100' } };
  assert.equal(only(`${base}Action: UserEvent\nUserEvent: {{nope}}`, DiagnosticCode.unresolvedVariable, withProfile).severity, E);
  assert.deepEqual(summary(`${base}Action: UserEvent\nUserEvent: {{ext}}`, withProfile), []);
  const later = only('Action: UserEvent\nUserEvent: {{second.Response}}\n\n# @name second\nAction: Ping', DiagnosticCode.unresolvedVariable);
  assert.match(later.message, /which comes later \(line 4\): move that block above/);
  assert.match(only('# @name self\nAction: UserEvent\nUserEvent: {{self.Response}}', DiagnosticCode.unresolvedVariable).message, /own results/);
  assert.match(only(`${base}Action: UserEvent\nUserEvent: {{first}}`, DiagnosticCode.unresolvedVariable).message, /names the block "first" but not a result/);
  assert.match(only('Action: UserEvent\nUserEvent: {{}}', DiagnosticCode.unresolvedVariable).message, /Empty variable/);
  assert.equal(see([only('Action: UserEvent\nUserEvent: {{host', DiagnosticCode.unclosedVariable)])[0].severity, E);
  see([only('Action: UserEvent\nUserEvent: {{$uid}}', DiagnosticCode.unknownBuiltin)]);
  assert.match(only('Action: UserEvent\nUserEvent: {{$env}}', DiagnosticCode.unknownBuiltin).message, /\$env needs an argument/);
  assert.match(only('Action: UserEvent\nUserEvent: {{$uuid x}}', DiagnosticCode.unknownBuiltin).message, /takes no argument/);
  assert.match(only('Action: Ping\n@expect Event: UserEvent UserEvent={{nope}}', DiagnosticCode.unresolvedVariable).message, /nope/);
});

test('profile variables with a line break or NUL would inject headers: error', () => {
  const d = see([only('Action: UserEvent\nUserEvent: {{evil}}', DiagnosticCode.unsafeVariableValue, { profileVariables: { evil: 'x\r\nAction: Command' } })])[0];
  assert.equal(d.severity, E);
  assert.match(d.message, /"evil" contains a line break or NUL/);
});

test('block names: duplicates and malformed names are errors', () => {
  const d = see([only('# @name a\nAction: Ping\n\n# @name a\nAction: Ping', DiagnosticCode.duplicateName)])[0];
  assert.equal(d.range.start.line, 3);
  assert.equal(d.relatedInformation?.[0].location.range.start.line, 0);
  assert.deepEqual(only('# @name a\n# @name b\nAction: Ping', DiagnosticCode.duplicateName).data, { fix: 'deleteLine' });
  see([only('# @name a.b\nAction: Ping', DiagnosticCode.invalidName)]);
  assert.match(only('# @name\nAction: Ping', DiagnosticCode.invalidName).message, /needs a name/);
});

test('@expect syntax: Response, Event with conditions and within, List counts; unknown events warn', () => {
  const good = ['Response: Success', 'response: error', 'Event: OriginateResponse', 'Event: Hangup Cause=16 Channel={{ch}} within 500ms', 'Event: Newchannel within 2.5s', 'List: 3', 'List: >=1', 'List: >= 2'];
  for (const expectation of good) assert.deepEqual(summary(`@ch = x\n\nAction: Ping\n@expect ${expectation}`), [], expectation);
  const bad = ['', 'Respons: Success', 'Response:', 'Response: Suc cess', 'Event:', 'Event: Hangup Cause = 16', 'Event: Hangup within', 'Event: Hangup within 5 s', 'Event: Hangup within 5s Cause=1', 'List: many', 'List: > 2'];
  for (const expectation of bad) {
    const found = see(diagnose(`Action: Ping\n@expect ${expectation}`)).filter((d) => d.code === DiagnosticCode.invalidExpect);
    assert.equal(found.length, 1, `${expectation}: ${JSON.stringify(found)}`);
    assert.equal(found[0].severity, E, expectation);
  }
  const typo = only('Action: Ping\n@expect Response: Sucess', DiagnosticCode.invalidExpect);
  assert.equal(typo.severity, W);
  assert.deepEqual(typo.data, { fix: 'replace', replacements: ['Success'] });
  const event = see([only('Action: Ping\n@expect Event: OriginateRespons', DiagnosticCode.unknownEvent)])[0];
  assert.equal(event.severity, W);
  assert.deepEqual(event.data, { fix: 'replace', replacements: ['OriginateResponse'] });
  assert.deepEqual(event.range, { start: { line: 1, character: 15 }, end: { line: 1, character: 31 } });
});

test('the parsed script can be passed in; the result is the same', () => {
  const text = 'Action: Orignate\n\nAction: Hangup';
  const document = TextDocument.create('file:///a.ami', 'ami', 1, text);
  assert.deepEqual(computeDiagnostics(document, {}, parseScript(text)), computeDiagnostics(document));
});

test('never throws on hostile input', () => {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const pieces = ['Action: ', 'Originate', 'Channel:', '{{', '}}', '\n', '\r', '\0', '@expect Event: ', 'within', '# @name ', 'x', ':', '\u2028', '\uD800', '$env', '.', 'Variable: a=1'];
  for (let round = 0; round < 300; round++) {
    let text = '';
    for (let i = 0; i < 60; i++) text += pieces[Math.floor(random() * pieces.length)];
    for (const settings of [undefined, { asteriskVersion: '18', allowedActions: new Set<string>(), profileVariables: { x: '\n' } }]) {
      assert.ok(Array.isArray(diagnose(text, settings)));
    }
  }
});

test('every diagnostic code is exercised by these tests', () => {
  assert.deepEqual(Object.values(DiagnosticCode).filter((code) => !codesSeen.has(code)), []);
});
