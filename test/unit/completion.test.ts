import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionItemTag, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import { doComplete } from '../../core/src/language/completion';
import { getCatalogue } from '../../core/src/catalogue/index';
import type { LanguageSettings } from '../../core/src/language/types';
import { insertedText, sortedItems, withCursor } from './languageFixtures';

function complete(text: string, settings?: LanguageSettings): CompletionItem[] {
  const { document, position } = withCursor(text);
  return doComplete(document, position, settings).items;
}

function labels(items: CompletionItem[]): string[] {
  return items.map((item) => item.label);
}

function find(items: CompletionItem[], label: string): CompletionItem {
  const item = items.find((i) => i.label === label);
  assert.ok(item, `expected a completion "${label}" among ${labels(items).slice(0, 30).join(', ')}`);
  return item;
}

test('headers of Originate: required ones first, ActionID offered, Action not', () => {
  const items = sortedItems(complete('Action: Originate\n|'));
  assert.equal(items[0].label, 'Channel');
  assert.equal(items[0].detail?.startsWith('required'), true);
  assert.ok(labels(items).includes('ActionID'));
  assert.ok(labels(items).includes('Exten'));
  assert.ok(!labels(items).includes('Action'));
  assert.equal(insertedText(find(items, 'Context')), 'Context: ');
  const channelIndex = items.findIndex((i) => i.label === 'Channel');
  const extenIndex = items.findIndex((i) => i.label === 'Exten');
  assert.ok(channelIndex < extenIndex);
});

test('headers already present are left out, repeatable ones are offered again', () => {
  const items = complete('Action: Originate\nChannel: Local/100@test\nVariable: A=1\n|\n');
  assert.ok(!labels(items).includes('Channel'));
  assert.ok(labels(items).includes('Variable'));
  assert.ok(labels(items).includes('Context'));
});

test('a header name being typed is replaced as a whole, with ": " only when the line has no colon', () => {
  const { document, position } = withCursor('Action: Originate\nCha|');
  const channel = find(doComplete(document, position).items, 'Channel');
  assert.deepEqual(channel.textEdit, {
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
    newText: 'Channel: ',
  });
  const withColon = complete('Action: Originate\nCha|nnel: x');
  assert.equal(insertedText(find(withColon, 'Channel')), 'Channel');
});

test('enumerated values are offered with their position in the list', () => {
  const items = complete('Action: ModuleLoad\nLoadType: |');
  assert.deepEqual(labels(sortedItems(items)), ['load', 'unload', 'reload', 'refresh']);
  const muted = complete('Action: MuteAudio\nChannel: PJSIP/1\nDirection: |');
  assert.deepEqual(labels(sortedItems(muted)), ['in', 'out', 'all']);
});

test('Application: of Originate offers dialplan applications', () => {
  const items = complete('Action: Originate\nChannel: Local/1@x\nApplication: |');
  const playback = find(items, 'Playback');
  assert.equal(playback.detail, 'Play a file.');
  find(items, 'Dial');
});

test('Variable: of Getvar and Setvar offers dialplan functions as NAME(', () => {
  const items = complete('Action: Getvar\nChannel: PJSIP/1\nVariable: CHAN|');
  const channel = find(items, 'CHANNEL');
  assert.equal(insertedText(channel), 'CHANNEL(');
  assert.equal(channel.textEdit && 'range' in channel.textEdit ? channel.textEdit.range.start.character : -1, 10);
  find(complete('Action: Setvar\nVariable: |'), 'CALLERID');
  // Originate's Variable: is NAME=value, not a function.
  assert.deepEqual(complete('Action: Originate\nVariable: |'), []);
});

test('Action: offers every action with its synopsis; actions missing from the target branch are tagged', () => {
  const items = complete('Action: Orig|');
  const originate = find(items, 'Originate');
  assert.equal(originate.detail, 'Originate a call.');
  assert.equal(originate.tags, undefined);
  assert.equal(items.length, getCatalogue().data.actions.length);
  const newOnly = getCatalogue().data.actions.find((a) => !a.branches.includes('18'));
  assert.ok(newOnly, 'the catalogue has an action that is not in 18');
  const old = find(complete('Action: |', { asteriskVersion: '18' }), newOnly.name);
  assert.deepEqual(old.tags, [CompletionItemTag.Deprecated]);
  assert.match(old.detail ?? '', /Not in Asterisk 18/);
});

test('actions the connected user may not run are sorted after the permitted ones', () => {
  const items = complete('Action: |', { allowedActions: new Set(['ping']) });
  assert.equal(find(items, 'Ping').sortText, '0');
  const originate = find(items, 'Originate');
  assert.equal(originate.sortText, '1');
  assert.match(originate.detail ?? '', /^Not permitted for the connected user/);
});

test('at the start of a block: Action and one snippet per action with its required headers as tab stops', () => {
  const items = complete('|');
  assert.equal(insertedText(find(items, 'Action')), 'Action: ');
  const originate = find(items, 'Originate (snippet)');
  assert.equal(originate.insertTextFormat, InsertTextFormat.Snippet);
  assert.equal(originate.filterText, 'Originate');
  assert.equal(insertedText(originate), 'Action: Originate\nChannel: ${1}$0');
  const muted = find(items, 'MuteAudio (snippet)');
  assert.equal(insertedText(muted), 'Action: MuteAudio\nChannel: ${1}\nDirection: ${2|in,out,all|}\nState: ${3|on,off|}$0');
  find(items, '# @name');
});

test('on a blank line after a block and below a title comment', () => {
  const afterGap = complete('Action: Ping\n\n|');
  find(afterGap, 'Ping (snippet)');
  const belowTitle = complete('# Check the server\n|');
  find(belowTitle, 'Originate (snippet)');
  const afterHeaders = complete('Action: Ping\n|');
  find(afterHeaders, 'ActionID');
  find(afterHeaders, '@expect Response:');
  assert.ok(!labels(afterHeaders).includes('Ping (snippet)'));
});

test('snippets are limited to the target branch', () => {
  const newOnly = getCatalogue().data.actions.find((a) => !a.branches.includes('18'));
  assert.ok(newOnly);
  assert.ok(!labels(complete('|', { asteriskVersion: '18' })).includes(`${newOnly.name} (snippet)`));
  assert.ok(labels(complete('|', { asteriskVersion: '23' })).includes(`${newOnly.name} (snippet)`));
});

test('@expect kinds, responses, event names and event fields', () => {
  assert.deepEqual(labels(complete('Action: Ping\n@expect |')), ['Response:', 'Event:', 'List:']);
  assert.deepEqual(labels(complete('Action: Ping\n@expect Response: |')), ['Success', 'Error', 'Goodbye', 'Follows']);
  const events = complete('Action: Originate\n@expect Event: Orig|');
  assert.equal(find(events, 'OriginateResponse').detail, 'Raised in response to an Originate command.');
  const fields = complete('Action: Originate\n@expect Event: OriginateResponse |');
  find(fields, 'Response=');
  find(fields, 'within');
  assert.deepEqual(labels(complete('Action: Originate\n@expect Event: OriginateResponse Response=|')), ['Failure', 'Success']);
});

test('a value after a colon without a space is inserted with one', () => {
  const items = complete('Action:|');
  assert.equal(insertedText(find(items, 'Originate')), ' Originate');
});

test('Filter: Event: offers event names', () => {
  find(complete('Action: Filter\nFilter: Event: New|'), 'Newchannel');
});

test('comments offer nothing, a directive offers @name', () => {
  assert.deepEqual(complete('# a comment |'), []);
  assert.equal(insertedText(find(complete('# @|'), '@name')), 'name ');
});

test('{{ offers file variables, named blocks, profile variables and built-ins', () => {
  const text = [
    '@host = pbx.example',
    '',
    '# @name call',
    'Action: Originate',
    'Channel: Local/100@test',
    '',
    'Action: Hangup',
    'Channel: {{|',
  ].join('\n');
  const items = complete(text, { profileVariables: { tenant: 'acme' } });
  assert.equal(insertedText(find(items, 'host')), 'host}}');
  assert.equal(insertedText(find(items, 'call.')), 'call.');
  find(items, 'tenant');
  assert.equal(insertedText(find(items, '$uuid')), '\\$uuid}}');
  find(items, '$env');
});

test('{{block. offers the response headers and the fields of the events the action documents', () => {
  const text = '# @name call\nAction: Originate\nChannel: Local/100@test\n\nAction: Hangup\nChannel: {{call.|}}';
  const items = complete(text);
  assert.equal(insertedText(find(items, 'call.Channel')), 'call.Channel');
  find(items, 'call.Response');
  find(items, 'call.ActionID');
  find(items, 'call.events.OriginateResponse.Uniqueid');
  assert.deepEqual(complete('Action: Ping\nX: {{nosuch.|'), []);
});

test('nothing breaks on odd positions', () => {
  assert.deepEqual(complete('Action: Ping\nnot a header |'), []);
  assert.ok(Array.isArray(complete('Action: Nonexistent\n|')));
  assert.deepEqual(labels(complete('Action: Nonexistent\n|')).filter((l) => !l.startsWith('@')), ['ActionID']);
});
