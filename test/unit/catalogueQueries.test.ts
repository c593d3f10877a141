import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { getCatalogue } from '../../core/src/catalogue/index';
import { findParam, headerValueKind, resolveBranch, targetBranch } from '../../core/src/catalogue/queries';
import { doComplete } from '../../core/src/language/completion';
import { computeDiagnostics } from '../../core/src/language/diagnostics';
import { doHover } from '../../core/src/language/hover';
import { amiDocument, withCursor } from './languageFixtures';

const UPDATE_CONFIG = ['Action: UpdateConfig', 'SrcFilename: a.conf', 'DstFilename: a.conf', 'Action-000000: NewCat', 'Cat-000000: x'];

function hoverText(textWithCursor: string): string | undefined {
  const { document, position } = withCursor(textWithCursor);
  return (doHover(document, position)?.contents as MarkupContent | undefined)?.value;
}

test('numbered families: a header diagnostics accepts has hover docs and value completion (UpdateConfig Action-000001)', () => {
  const lines = [...UPDATE_CONFIG, 'Action-000001: Append', 'Cat-000001: y'];
  const codes = computeDiagnostics(amiDocument(lines.join('\n'))).map((d) => d.code);
  assert.ok(!codes.includes('ami-unknown-header'), `Action-000001 is a known header (got ${codes.join(', ')})`);

  const onName = hoverText([...UPDATE_CONFIG, 'Action-00|0001: Append'].join('\n'));
  assert.ok(onName, 'hover on Action-000001 shows the Action-000000 docs');
  assert.match(onName, /Action-000000/);
  assert.match(onName, /Action to take/);
  const onValue = hoverText([...UPDATE_CONFIG, 'Action-000001: App|end'].join('\n'));
  assert.ok(onValue, 'hover on an enumerated value of a family member');
  assert.match(onValue, /Append/);

  const { document, position } = withCursor([...UPDATE_CONFIG, 'Action-000001: |'].join('\n'));
  const values = doComplete(document, position).items.map((item) => item.label);
  assert.ok(values.includes('RenameCat') && values.includes('Append'), `values offered: ${values.join(', ')}`);
});

test('findParam: exact names in any casing, then numbered families; unknown names are undefined', () => {
  const catalogue = getCatalogue();
  const updateConfig = catalogue.action('UpdateConfig');
  const aoc = catalogue.action('AOCMessage');
  const originate = catalogue.action('Originate');
  assert.ok(updateConfig && aoc && originate);
  assert.deepEqual(findParam(updateConfig, 'action-000042')?.param.name, 'Action-000000');
  assert.equal(findParam(updateConfig, 'action-000042')?.exact, false);
  assert.equal(findParam(updateConfig, 'Action-00001'), undefined, 'six digits or nothing');
  assert.equal(findParam(aoc, 'UnitAmount(7)')?.param.name, 'UnitAmount(0)');
  assert.deepEqual(findParam(originate, 'TIMEOUT'), { param: originate.params.find((p) => p.name === 'Timeout'), exact: true });
  assert.equal(findParam(originate, 'Nope'), undefined);
  assert.equal(headerValueKind(catalogue, 'UpdateConfig', 'Action-000007')?.kind, 'enum');
});

test('one branch choice for every feature: setting, its major, else the newest (flagged unknown)', () => {
  const catalogue = getCatalogue();
  assert.deepEqual(resolveBranch(catalogue, '20.5.1'), { branch: '20', known: true });
  assert.deepEqual(resolveBranch(catalogue, ' 18 '), { branch: '18', known: true });
  assert.deepEqual(resolveBranch(catalogue, '99'), { branch: catalogue.newestBranch, known: false });
  assert.deepEqual(resolveBranch(catalogue, undefined), { branch: catalogue.newestBranch, known: true });
  assert.equal(targetBranch(catalogue, '21.0.0'), '21');
});
