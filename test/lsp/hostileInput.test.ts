// Hostile and huge documents through the real server process over stdio: binary files, NULs, more problems
// than the cap, and requests sent while a large file is being checked. Behaviour only: no timing assertions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CompletionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
} from 'vscode-languageserver-protocol/node';
import { LspSession, codesOf, messageOf } from './lspHarness';

const uri = (name: string): string => `file:///workspace/hostile/${name}.ami`;

describe('hostile and huge input over stdio', () => {
  let session: LspSession;

  before(async () => {
    session = LspSession.start();
    await session.initialize({ asteriskVersion: '23' });
  });

  after(() => session?.dispose());

  /** Every whole-document and position request on `name` answers (with something of the right shape). */
  async function everyRequestAnswers(name: string): Promise<void> {
    const textDocument = { uri: uri(name) };
    assert.ok(Array.isArray(await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument })));
    assert.ok(Array.isArray(await session.connection.sendRequest(FoldingRangeRequest.type, { textDocument })));
    const options = { tabSize: 2, insertSpaces: true };
    assert.ok(Array.isArray(await session.connection.sendRequest(DocumentFormattingRequest.type, { textDocument, options })));
    const position = { line: 0, character: 1 };
    await session.connection.sendRequest(CompletionRequest.type, { textDocument, position });
    await session.connection.sendRequest(HoverRequest.type, { textDocument, position });
  }

  it('a binary file (the node executable) gives one ami-binary-file diagnostic and every request still answers', async () => {
    const text = readFileSync(process.execPath).subarray(0, 1 << 20).toString('utf8');
    await session.open(uri('binary'), text);
    const published = await session.diagnosticsFor(uri('binary'), 1);
    assert.deepEqual(codesOf(published.diagnostics), ['ami-binary-file']);
    assert.match(messageOf(published.diagnostics[0]), /does not look like an \.ami script/);
    await everyRequestAnswers('binary');
    assert.ok(session.alive);
  });

  it('a file of NULs (an interrupted save) gives one ami-nul-line per line', async () => {
    await session.open(uri('nuls'), `${'\u0000'.repeat(32768)}\n${'\u0000'.repeat(10)}\n`);
    const published = await session.diagnosticsFor(uri('nuls'), 1);
    assert.deepEqual(codesOf(published.diagnostics), ['ami-nul-line', 'ami-nul-line']);
    assert.match(messageOf(published.diagnostics[0]), /^This line is 32768 NUL characters/);
    await everyRequestAnswers('nuls');
  });

  it('caps the diagnostics at 1000 with one summary saying how many more', async () => {
    await session.open(uri('many'), `Action: Ping\n${'not a header\n'.repeat(5000)}`);
    const published = await session.diagnosticsFor(uri('many'), 1);
    assert.equal(published.diagnostics.length, 1001);
    const summary = published.diagnostics[1000];
    assert.equal(summary.code, 'ami-too-many-problems');
    assert.match(messageOf(summary), /^4000 more problems from here on are not listed/);
    await everyRequestAnswers('many');
  });

  it('answers a request sent right after opening a large file before that file is checked', async () => {
    const block = (index: number): string => `# Call ${index}\nAction: Originate\nChannel: PJSIP/${index}\nContext: test\nExten: 100\nPriority: 1\n`;
    const text = Array.from({ length: 30_000 }, (_, index) => block(index)).join('\n');
    const events: string[] = [];
    const published = session.diagnosticsFor(uri('large'), 1).then((params) => {
      events.push('diagnostics');
      return params;
    });
    await session.open(uri('large'), text);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri('large') }, position: { line: 1, character: 10 } });
    events.push('hover');
    assert.ok(hover, 'hover on Action: Originate');
    assert.deepEqual((await published).diagnostics, []);
    assert.deepEqual(events, ['hover', 'diagnostics'], 'the check of the whole file did not hold the request up');
  });

  it('logged no errors and is still running', () => {
    assert.deepEqual(session.logs.filter((log) => log.type === 1), []);
    assert.ok(session.alive);
  });
});
