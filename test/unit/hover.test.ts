import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { doHover } from '../../core/src/language/hover';
import { getCatalogue } from '../../core/src/catalogue/index';
import type { LanguageSettings } from '../../core/src/language/types';
import { withCursor } from './languageFixtures';

function hover(text: string, settings?: LanguageSettings): Hover | null {
  const { document, position } = withCursor(text);
  return doHover(document, position, settings);
}

function hoverText(text: string, settings?: LanguageSettings): string {
  const result = hover(text, settings);
  assert.ok(result, `expected a hover for ${JSON.stringify(text)}`);
  const contents = result.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

test('hover on the action shows synopsis, description, headers table, branches and see-also', () => {
  const result = hover('Action: Origi|nate\nChannel: Local/1@x');
  assert.ok(result);
  assert.deepEqual(result.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 17 } });
  const text = (result.contents as MarkupContent).value;
  assert.match(text, /\*\*Originate\*\* \(AMI action\)/);
  assert.match(text, /Originate a call\./);
  assert.match(text, /\| Channel \| yes \|/);
  assert.match(text, /\| Timeout \| no \| 30000 \|/);
  assert.match(text, /Exists in: 18, 20, 21, 22, 23/);
  assert.match(text, /See also: `OriginateResponse` \(event\)/);
  assert.match(text, /Since: 0\.2\.0/);
  // The header name `Action` shows the same documentation.
  assert.match(hoverText('Act|ion: Originate'), /Originate a call\./);
});

test('an action missing from the target branch carries a warning', () => {
  const newOnly = getCatalogue().data.actions.find((a) => !a.branches.includes('18'));
  assert.ok(newOnly);
  const text = hoverText(`Action: ${newOnly.name}|`, { asteriskVersion: '18' });
  assert.match(text, /does not exist in Asterisk 18/);
  assert.doesNotMatch(hoverText(`Action: ${newOnly.name}|`, { asteriskVersion: '23' }), /does not exist/);
});

test('hover on a header shows its description, required flag and default', () => {
  const channel = hoverText('Action: Originate\nChan|nel: Local/1@x');
  assert.match(channel, /\*\*Channel\*\*: header of `Originate`, required/);
  assert.match(channel, /Channel name to call\./);
  const timeout = hoverText('Action: Originate\nChannel: x\ntimeout|: 100');
  assert.match(timeout, /Default: `30000`/);
  assert.match(timeout, /optional/);
  assert.match(hoverText('Action: Ping\nActionID|: 1'), /ActionID for this transaction/);
  assert.match(hoverText('Action: NoSuchAction\nActionID|: 1'), /Correlates/);
  assert.equal(hover('Action: Originate\nNoSuchHeader|: 1'), null);
});

test('hover on an enumerated value and on a header with values', () => {
  const value = hoverText('Action: ModuleLoad\nLoadType: rel|oad');
  assert.match(value, /\*\*reload\*\*: value of `LoadType` of `ModuleLoad`/);
  assert.match(hoverText('Action: ModuleLoad\nLoad|Type: reload'), /- `unload`/);
});

test('hover on an application, a function and an event', () => {
  assert.match(hoverText('Action: Originate\nChannel: x\nApplication: Play|back'), /\*\*Playback\*\* \(dialplan application\)\n\nPlay a file\./);
  const fn = hover('Action: Getvar\nChannel: x\nVariable: CHAN|NEL(name)');
  assert.ok(fn);
  assert.match((fn.contents as MarkupContent).value, /\*\*CHANNEL\*\* \(dialplan function\)/);
  assert.deepEqual(fn.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 17 } });
  const event = hoverText('Action: Originate\n@expect Event: OriginateRes|ponse Response=Success');
  assert.match(event, /\*\*OriginateResponse\*\* \(AMI event\)/);
  assert.match(event, /`Uniqueid`/);
  assert.match(hoverText('Action: Originate\n@expect Event: OriginateResponse Resp|onse=Success'), /field of the `OriginateResponse` event/);
  assert.match(hoverText('Action: Filter\nFilter: Event: Newchan|nel'), /\*\*Newchannel\*\* \(AMI event\)/);
});

test('hover on variables: file variable value, named block result, built-in, profile, undefined', () => {
  const text = [
    '@host = pbx.example',
    '',
    '# @name call',
    'Action: Originate',
    'Channel: Local/100@{{ho|st}}',
  ].join('\n');
  const result = hover(text);
  assert.ok(result);
  assert.match((result.contents as MarkupContent).value, /\*\*host\*\* = `pbx.example`/);
  assert.deepEqual(result.range, { start: { line: 4, character: 19 }, end: { line: 4, character: 27 } });
  const named = hoverText('# @name call\nAction: Originate\nChannel: x\n\nAction: Hangup\nChannel: {{call.Chan|nel}}');
  assert.match(named, /result `Channel` of block `call` \(Originate\)/);
  assert.match(named, /OriginateResponse event/);
  assert.match(hoverText('Action: Ping\nActionID: {{$uu|id}}'), /UUID/);
  assert.match(hoverText('Action: Ping\nActionID: {{ten|ant}}', { profileVariables: { tenant: 'acme' } }), /`acme`/);
  assert.match(hoverText('Action: Ping\nActionID: {{miss|ing}}'), /not defined: add `@missing = value`/);
});

test("a variable named like an object's built-in property hovers as a variable, with text", () => {
  assert.match(hoverText('@constructor = ctor\n\nAction: Ping\nActionID: {{constr|uctor}}'), /\*\*constructor\*\* = `ctor`/);
  assert.match(hoverText('Action: Ping\nActionID: {{toStr|ing}}'), /not defined: add `@toString = value`/);
});

test('no hover on comments, blank lines and unknown actions', () => {
  assert.equal(hover('# Origi|nate'), null);
  assert.equal(hover('Action: Ping\n|\n'), null);
  assert.equal(hover('Action: NoSuch|Action'), null);
});
