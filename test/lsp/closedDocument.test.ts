// Once the server lets go of a document (didClose), none of the language service's caches keeps its text alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { getLanguageService } from '../../core/src/language/languageService';
import { releaseLastMatch } from '../../core/src/text/detach';
import { LineTextDocument } from '../../server/src/lineDocument';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/**
 * A script whose header names, action names, directives and titles are new to this process and long enough (13 or
 * more characters) for V8 to make their slices views into the text: what a long-lived cache must not keep.
 */
function script(tag: string, blocks: number): string {
  const parts: string[] = [`@${tag}_peer_variable = PJSIP/alice`, ''];
  for (let index = 0; index < blocks; index++) {
    parts.push(
      `# Block number ${index} of ${tag}`,
      `# @name ${tag}_block_${index}`,
      index % 2 === 0 ? 'Action: PJSIPShowEndpoints' : `Action: ${tag}UnknownAction${index % 7}`,
      `X-${tag}-Custom-Header-${index % 40}: {{${tag}_peer_variable}} and a value of ${index}`,
      `@expect Response: Success`,
      '',
    );
  }
  return parts.join('\n');
}

/** As the server slices a check: go on after other work had its turn. */
function nextTurn(): Promise<boolean> {
  return new Promise<boolean>((resolve) => setImmediate(() => resolve(true)));
}

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * What the server does with an open document of `script(tag, blocks)`: check it in slices, answer requests on it,
 * take an edit and check it again. Returns the text's length and the first check's diagnostics count.
 */
async function useDocument(tag: string, blocks: number): Promise<{ length: number; found: number }> {
  const text = script(tag, blocks);
  const service = getLanguageService();
  const document = new LineTextDocument('file:///big.ami', 'ami', 1, text);
  const diagnostics = await service.doValidationInSlices(document, {}, nextTurn);
  const position = { line: 4, character: 'Action: PJSIP'.length };
  service.doComplete(document, position, {});
  service.doHover(document, position, {});
  service.findDocumentSymbols(document);
  service.getFoldingRanges(document);
  // An edit: the document keeps lines now, and the next check reads the joined text of the new version.
  document.update([{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'Y: 1\n' }], 2);
  await service.doValidationInSlices(document, {}, nextTurn);
  return { length: text.length, found: diagnostics?.length ?? 0 };
}

test("a closed document's text is not kept by the parser's or the checks' caches", async () => {
  // A first document fills what is built once per process (catalogue indexes, code), so it is not counted below.
  await useDocument('warmup', 2_000);
  const before = heapUsed();
  const { length, found } = await useDocument('measured', 30_000);
  assert.ok(found > 0, 'the document was checked');
  // As the server does when the document closes.
  releaseLastMatch();
  const kept = heapUsed() - before;
  // The text is ~6 MB (one byte per character); a cache holding any slice of it would keep all of it.
  assert.ok(length > 2_500_000, `the text is ${length} characters`);
  assert.ok(kept < length / 3, `${(kept / 1e6).toFixed(1)} MB still used after the document was dropped (the text is ${(length / 1e6).toFixed(1)} MB)`);
});
