import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getScript, peekScript } from '../../core/src/script/scriptCache';

/** A document as VS Code's extension host holds it: one object per open document, its version bumped on edits. */
class EditorDocument {
  reads = 0;
  constructor(
    private text: string,
    public version = 1,
  ) {}
  getText(): string {
    this.reads++;
    return this.text;
  }
  edit(text: string): void {
    this.text = text;
    this.version++;
  }
}

test('one parse per document version, whoever asks (CodeLens, run commands, result marks)', () => {
  const document = new EditorDocument('Action: Ping\n\nAction: CoreStatus\n');
  const first = getScript(document);
  assert.equal(first.blocks.length, 2);
  assert.equal(getScript(document), first, 'the same version is not parsed again');
  assert.equal(peekScript(document), first);
  assert.equal(document.reads, 1);
  document.edit('Action: Ping\n');
  assert.equal(peekScript(document), undefined, 'an older version is not returned');
  const second = getScript(document);
  assert.notEqual(second, first);
  assert.equal(second.blocks.length, 1);
  assert.equal(getScript(document), second);
  assert.equal(document.reads, 2);
  assert.notEqual(getScript(new EditorDocument('Action: Ping\n')), second, 'documents do not share entries');
});
