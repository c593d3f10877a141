import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { actionHeaderRange, blockAtLine, findVariables, lineKinds, parseBlockAt, parseScript } from '../../core/src/script/parser';
import type { Block, HeaderLine, Range, VariableRef } from '../../core/src/script/types';
import { blockView, scriptView } from './scriptView';

const EXAMPLE = [
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
  '@expect Response: Success',
  '@expect Event: OriginateResponse Response=Success within 5s',
  '',
  'Action: Hangup',
  'Channel: {{call.Channel}}',
  '',
].join('\n');

function r(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** A node's fields as a plain object (nodes build their ranges on read, so compare what a reader sees). */
function plainVariable(ref: VariableRef): { name: string; range: Range; nameRange: Range; closed: boolean } {
  return { name: ref.name, range: ref.range, nameRange: ref.nameRange, closed: ref.closed };
}

function header(block: Block, name: string): HeaderLine {
  const found = block.headers.find((h) => h.name === name);
  assert.ok(found, `header ${name} not found`);
  return found;
}

test('parses the format document example into blocks, headers, directives and expectations', () => {
  const script = parseScript(EXAMPLE);
  assert.equal(script.lineCount, 18);
  assert.equal(script.blocks.length, 2);
  assert.deepEqual(
    script.fileVariables.map((v) => [v.name, v.value]),
    [['exten', '200']],
  );
  assert.deepEqual(script.fileVariables[0].nameRange, r(0, 1, 6));
  assert.deepEqual(script.fileVariables[0].valueRange, r(0, 9, 12));

  const [call, hangup] = script.blocks;
  assert.equal(call.index, 0);
  assert.equal(call.title, 'Originate a test call');
  assert.equal(call.name, 'call');
  assert.equal(call.action, 'Originate');
  assert.equal(call.actionHeader, call.headers[0]);
  assert.deepEqual(call.range, { start: { line: 2, character: 0 }, end: { line: 13, character: 59 } });
  assert.deepEqual(
    call.headers.map((h) => `${h.name}=${h.value}`),
    [
      'Action=Originate',
      'Channel=Local/100@test',
      'Context=test',
      'Exten={{exten}}',
      'Priority=1',
      'Async=true',
      'Variable=ORIGVAR=hello',
      'Variable=OTHER=x',
    ],
  );
  assert.deepEqual(call.directives.map((d) => [d.name, d.value]), [['name', 'call']]);
  assert.deepEqual(call.directives[0].nameRange, r(3, 3, 7));
  assert.deepEqual(call.directives[0].valueRange, r(3, 8, 12));
  assert.deepEqual(
    call.expectations.map((e) => e.text),
    ['Response: Success', 'Event: OriginateResponse Response=Success within 5s'],
  );
  assert.deepEqual(call.expectations[0].textRange, r(12, 8, 25));
  assert.equal(call.lines.length, 12);
  assert.deepEqual(call.lines.map((l) => l.kind).slice(0, 3), ['comment', 'directive', 'header']);

  const exten = header(call, 'Exten');
  assert.deepEqual(exten.range, r(7, 0, 16));
  assert.deepEqual(exten.nameRange, r(7, 0, 5));
  assert.deepEqual(exten.valueRange, r(7, 7, 16));
  assert.deepEqual(exten.variables.map(plainVariable), [{ name: 'exten', range: r(7, 7, 16), nameRange: r(7, 9, 14), closed: true }]);

  assert.equal(hangup.index, 1);
  assert.equal(hangup.title, '');
  assert.equal(hangup.name, undefined);
  assert.equal(hangup.action, 'Hangup');
  assert.deepEqual(header(hangup, 'Channel').variables.map((v) => v.name), ['call.Channel']);
});

test('CRLF and LF give the same tree; a BOM is skipped but counted like TextDocument does', () => {
  const lf = parseScript(EXAMPLE);
  assert.deepEqual(scriptView(parseScript(EXAMPLE.replace(/\n/g, '\r\n'))), scriptView(lf));
  const withBom = parseScript('\uFEFF' + EXAMPLE);
  assert.deepEqual(withBom.fileVariables[0].nameRange, r(0, 2, 7));
  assert.deepEqual(scriptView(withBom).blocks, scriptView(lf).blocks);
  const bomAction = parseScript('\uFEFFAction: Ping');
  assert.equal(bomAction.blocks[0].action, 'Ping');
  assert.deepEqual(bomAction.blocks[0].headers[0].nameRange, r(0, 1, 7));
});

test('a lone CR ends a line, as in LSP documents, so ranges match the editor', () => {
  const text = 'Action: Ping\rActionID: 1\r\nX: y';
  const script = parseScript(text);
  const document = TextDocument.create('file:///a.ami', 'ami', 1, text);
  assert.equal(script.lineCount, document.lineCount);
  assert.deepEqual(
    script.blocks[0].headers.map((h) => h.range.start.line),
    [0, 1, 2],
  );
});

test('blank lines and ### separators end blocks; ### titles label the next block when it has no comment', () => {
  const script = parseScript(
    ['Action: Ping', '### Second one', 'Action: CoreStatus', '', '', '### ', '# own title', 'Action: CoreSettings'].join('\n'),
  );
  assert.deepEqual(script.blocks.map((b) => b.action), ['Ping', 'CoreStatus', 'CoreSettings']);
  assert.deepEqual(script.separators.map((s) => s.title), ['Second one', '']);
  assert.deepEqual(script.blocks.map((b) => b.title), ['', 'Second one', 'own title']);
});

test('header names: case kept, parenthesised suffix (with colons), values with colons, empty values', () => {
  const script = parseScript(
    [
      'action: Originate',
      'ChanVariable(PJSIP/1.2.3.4:5060): A=1',
      'UnitAmount(0): 3',
      'Data: a:b:c  ',
      'Exten:',
      'Context:   ',
      'X-Custom_1:v',
    ].join('\n'),
  );
  const block = script.blocks[0];
  assert.equal(block.action, 'Originate');
  assert.deepEqual(
    block.headers.map((h) => [h.name, h.value]),
    [
      ['action', 'Originate'],
      ['ChanVariable(PJSIP/1.2.3.4:5060)', 'A=1'],
      ['UnitAmount(0)', '3'],
      ['Data', 'a:b:c'],
      ['Exten', ''],
      ['Context', ''],
      ['X-Custom_1', 'v'],
    ],
  );
  assert.deepEqual(block.headers[3].valueRange, r(3, 6, 11));
  assert.deepEqual(block.headers[4].valueRange, r(4, 6, 6));
  assert.deepEqual(block.headers[5].valueRange, r(5, 8, 8));
  assert.ok(block.lines.every((l) => l.kind === 'header'));
});

test('lines that are no header stay in the block as invalid lines; first header not Action leaves action unset', () => {
  const script = parseScript(['hello there', 'Channel : x', 'Bad name: 1', 'Channel: SIP/1', 'Action: Ping'].join('\n'));
  const block = script.blocks[0];
  assert.deepEqual(
    block.lines.map((l) => l.kind),
    ['invalid', 'invalid', 'invalid', 'header', 'header'],
  );
  assert.equal(block.action, undefined);
  assert.equal(block.actionHeader, undefined);
  const invalid = block.lines[0];
  assert.deepEqual({ kind: invalid.kind, text: invalid.kind === 'invalid' ? invalid.text : undefined, range: invalid.range }, { kind: 'invalid', text: 'hello there', range: r(0, 0, 11) });
});

test('comments with # and ;, indentation tolerated, comment-only runs are not blocks', () => {
  const script = parseScript(['# just notes', '; more notes', '', '  ; title', '\tAction: Ping', '  # trailing'].join('\n'));
  assert.equal(script.blocks.length, 1);
  assert.deepEqual(script.comments.map((c) => c.text), ['just notes', 'more notes']);
  const block = script.blocks[0];
  assert.equal(block.title, 'title');
  assert.deepEqual(block.headers[0].nameRange, r(4, 1, 7));
  assert.deepEqual(block.range, { start: { line: 3, character: 2 }, end: { line: 5, character: 12 } });
});

test('file variables: outside blocks they are variables; inside a block after a header they are invalid lines', () => {
  const script = parseScript(['# vars', '@host = pbx.example.com', '@a.b-c=1 = 2', 'Action: Ping', '@late = 1'].join('\n'));
  assert.deepEqual(script.fileVariables.map((v) => [v.name, v.value]), [
    ['host', 'pbx.example.com'],
    ['a.b-c', '1 = 2'],
  ]);
  assert.deepEqual(script.comments.map((c) => c.text), ['vars']);
  const block = script.blocks[0];
  assert.deepEqual(block.range.start, { line: 3, character: 0 });
  assert.deepEqual(block.lines.map((l) => l.kind), ['header', 'invalid']);
  assert.equal(block.title, '');
});

test('a file variable after a directive belongs to that block (invalid there); block ranges hold only their lines', () => {
  const script = parseScript('# @name x\n@v = 1\nAction: Ping');
  assert.equal(script.fileVariables.length, 0);
  assert.deepEqual(script.blocks[0].lines.map((l) => l.kind), ['directive', 'invalid', 'header']);
  const spaced = parseScript('# c\n@v = 1\n# title\nAction: Ping');
  assert.deepEqual(spaced.comments.map((c) => c.text), ['c']);
  assert.equal(spaced.blocks[0].title, 'title');
  assert.equal(blockAtLine(spaced, 1), undefined);
});

test('@expect needs a word boundary; other @ lines inside blocks are invalid', () => {
  const script = parseScript(['Action: Ping', '@expect', '@expected = 1', '@EXPECT List: >=2'].join('\n'));
  const block = script.blocks[0];
  assert.deepEqual(block.lines.map((l) => l.kind), ['header', 'expect', 'invalid', 'expect']);
  assert.deepEqual(block.expectations.map((e) => e.text), ['', 'List: >=2']);
});

test('variables: trimmed names, builtins with arguments, unclosed references', () => {
  const refs = findVariables('a {{ x }} {{$env HOME}} {{open {{y}} {{tail', 3);
  assert.deepEqual(
    refs.map((v) => [v.name, v.closed]),
    [
      ['x', true],
      ['$env HOME', true],
      ['open', false],
      ['y', true],
      ['tail', false],
    ],
  );
  assert.deepEqual(refs[0].range, r(3, 2, 9));
  assert.deepEqual(refs[0].nameRange, r(3, 5, 6));
  assert.deepEqual(refs[2].range, r(3, 24, 31));
  assert.deepEqual(refs[4].range, r(3, 37, 43));
  const script = parseScript('Action: Ping\nActionID: {{');
  assert.deepEqual(script.blocks[0].headers[1].variables.map(plainVariable), [
    { name: '', range: r(1, 10, 12), nameRange: r(1, 12, 12), closed: false },
  ]);
});

test('a directive block without headers is still a block (so it can be reported)', () => {
  const script = parseScript('# @name lonely\n\nAction: Ping');
  assert.equal(script.blocks.length, 2);
  assert.equal(script.blocks[0].name, 'lonely');
  assert.equal(script.blocks[0].action, undefined);
});

test('parseBlockAt returns the same block as parseScript (index -1) for every line', () => {
  const text = EXAMPLE + '\n### sep\n# t\nAction: Ping\n@v = 1\n\n@w = 2\n# c\nAction: Status\n';
  const script = parseScript(text);
  const document = TextDocument.create('file:///a.ami', 'ami', 1, text);
  for (let line = 0; line < script.lineCount + 2; line++) {
    const expected = blockAtLine(script, line);
    const actual = parseBlockAt(text, line);
    if (!expected) {
      assert.equal(actual, undefined, `line ${line}`);
      continue;
    }
    assert.deepEqual(blockView(actual), blockView(expected, -1), `line ${line}`);
    assert.deepEqual(parseBlockAt(text, line, document.offsetAt({ line, character: 0 })), actual);
  }
  assert.equal(parseBlockAt(text, -1), undefined);
  assert.equal(parseBlockAt(text, 5, 3), undefined, 'offset that is not a line start');
});

test('blockAtLine finds blocks by line and nothing between them', () => {
  const script = parseScript(EXAMPLE);
  assert.equal(blockAtLine(script, 0), undefined);
  assert.equal(blockAtLine(script, 2)?.index, 0);
  assert.equal(blockAtLine(script, 13)?.index, 0);
  assert.equal(blockAtLine(script, 14), undefined);
  assert.equal(blockAtLine(script, 16)?.index, 1);
  assert.equal(blockAtLine(parseScript(''), 0), undefined);
});

test('edge inputs: empty text, only blanks, only a BOM', () => {
  assert.deepEqual(parseScript(''), { blocks: [], fileVariables: [], separators: [], comments: [], lineCount: 1 });
  assert.equal(parseScript('\n\n \t\n').blocks.length, 0);
  assert.equal(parseScript('\uFEFF').blocks.length, 0);
});

// ---- Fuzzing: never throws, and every line is accounted for with ranges inside the document. ----

/** Small deterministic PRNG (mulberry32) so failures can be reproduced from the seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = ['\0', '\x1b', '\u2028', '\u2029', '\uD800', '\uDFFF', '\uFEFF', '\r', '\n', '\r\n', ':', '{{', '}}', '#', ';', '@', '###', '(', ')', ' ', '\t', '@expect ', '@x = ', 'Action: ', '\u0085', 'é', '😀'];

function randomUnicode(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) {
    const pick = random();
    if (pick < 0.4) out += HOSTILE[Math.floor(random() * HOSTILE.length)];
    else if (pick < 0.7) out += String.fromCharCode(Math.floor(random() * 128));
    else out += String.fromCharCode(Math.floor(random() * 0x10000));
  }
  return out;
}

function checkInvariants(text: string): void {
  const script = parseScript(text);
  const document = TextDocument.create('file:///f.ami', 'ami', 1, text);
  assert.equal(script.lineCount, document.lineCount);
  const seen = new Set<number>();
  const inDocument = (range: Range, what: string): void => {
    for (const position of [range.start, range.end]) {
      assert.ok(position.line >= 0 && position.line < script.lineCount, `${what} line out of range`);
      const lineLength = document.offsetAt({ line: position.line + 1, character: 0 }) - document.offsetAt({ line: position.line, character: 0 });
      assert.ok(position.character >= 0 && position.character <= lineLength, `${what} character out of range`);
    }
    assert.ok(
      range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character),
      `${what} range reversed`,
    );
  };
  const account = (range: Range, what: string): void => {
    inDocument(range, what);
    assert.ok(!seen.has(range.start.line), `line ${range.start.line} counted twice`);
    seen.add(range.start.line);
  };
  for (const block of script.blocks) {
    inDocument(block.range, 'block');
    for (const line of block.lines) {
      account(line.range, line.kind);
      if (line.kind === 'header') {
        inDocument(line.nameRange, 'name');
        inDocument(line.valueRange, 'value');
        for (const ref of line.variables) inDocument(ref.range, 'variable');
      }
    }
  }
  for (const variable of script.fileVariables) account(variable.range, 'fileVariable');
  for (const separator of script.separators) account(separator.range, 'separator');
  for (const comment of script.comments) account(comment.range, 'comment');
  // Every line that is not blank (spaces/tabs/BOM only) is somewhere in the tree.
  for (let line = 0; line < script.lineCount; line++) {
    const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/[\r\n]+$/, '');
    const blank = /^[ \t\uFEFF]*$/.test(line === 0 ? lineText : lineText.replace(/^\uFEFF/, 'x'));
    assert.equal(seen.has(line), !blank, `line ${line} ${JSON.stringify(lineText)} accounted=${seen.has(line)}`);
  }
}

test('fuzz: random bytes decoded as UTF-8 and latin1 never throw and keep invariants', () => {
  const random = prng(1);
  for (let round = 0; round < 300; round++) {
    const bytes = Buffer.alloc(Math.floor(random() * 400));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    checkInvariants(bytes.toString('utf8'));
    checkInvariants(bytes.toString('latin1'));
  }
});

test('fuzz: random unicode with NUL, ESC, U+2028, lone surrogates and syntax fragments', () => {
  const random = prng(2);
  for (let round = 0; round < 500; round++) checkInvariants(randomUnicode(random, Math.floor(random() * 300)));
});

test('fuzz: random splits and splices of a valid file', () => {
  const random = prng(3);
  const source = EXAMPLE + '\n### x\n# @name b\nAction: Status\nChannel: {{call.Channel}}\n@expect List: >=1\n';
  for (let round = 0; round < 400; round++) {
    const a = Math.floor(random() * source.length);
    const b = Math.floor(random() * source.length);
    const piece = source.slice(Math.min(a, b), Math.max(a, b));
    const cut = Math.floor(random() * source.length);
    const text = source.slice(0, cut) + piece + randomUnicode(random, 3) + source.slice(cut);
    checkInvariants(text);
    const line = Math.floor(random() * 30);
    const block = parseBlockAt(text, line);
    const expected = blockAtLine(parseScript(text), line);
    assert.deepEqual(blockView(block), blockView(expected, -1));
  }
});

test('huge inputs: a line of 200k unclosed {{, a 10 MB line, a 10 MB multi-block file', () => {
  const unclosed = parseScript('Action: ' + 'x{{'.repeat(200_000));
  assert.equal(unclosed.blocks[0].headers[0].variables.length, 200_000);
  assert.ok(unclosed.blocks[0].headers[0].variables.every((v) => !v.closed));
  const longLine = parseScript('Action: Ping\nData: ' + '\0a\u2028('.repeat(2_600_000));
  assert.equal(longLine.blocks[0].headers[1].value.length, 10_400_000);
  const blocks = 'Action: Ping\nActionID: {{$uuid}}\n\n'.repeat(300_000);
  assert.ok(blocks.length > 10_000_000);
  const many = parseScript(blocks);
  assert.equal(many.blocks.length, 300_000);
  assert.equal(many.blocks[299_999].index, 299_999);
  assert.equal(parseBlockAt(blocks, 899_998)?.action, 'Ping');
});

test('a large file keeps only recent blocks\' line nodes and rebuilds the others, identical, when read again', () => {
  const text = Array.from({ length: 700 }, (_, index) =>
    index % 3 === 0 ? `### part ${index}\n# title ${index}\n# @name b${index}\nAction: Originate\nChannel: {{peer}}\r\n@expect Response: Success` : `; note\rAction: Ping\nActionID: ${index}`,
  ).join('\n\n');
  const script = parseScript(text);
  assert.equal(script.blocks.length, 700);
  const first = blockView(script.blocks[0]);
  const firstLines = script.blocks[0].lines;
  for (const block of script.blocks) assert.ok(block.headers.length > 0); // every block built once more, the first one evicted
  assert.notEqual(script.blocks[0].lines, firstLines, 'rebuilt');
  assert.deepEqual(blockView(script.blocks[0]), first);
  for (const line of [0, 5, 1000, 2000, script.lineCount - 1]) {
    assert.deepEqual(blockView(blockAtLine(script, line), -1), blockView(parseBlockAt(text, line)), `line ${line}`);
  }
  assert.equal(script.blocks[699].title, 'title 699');
  const kindLetter = { header: 'h', comment: 'c', directive: 'd', expect: 'e', invalid: 'i' } as const;
  const other = `${EXAMPLE}\n# @name x\nnot a header\nAction: Ping\n`;
  const samples = [...script.blocks.slice(0, 5).map((block) => [text, block] as const), ...parseScript(other).blocks.map((block) => [other, block] as const)];
  for (const [source, block] of samples) {
    const eager = parseBlockAt(source, block.range.start.line)!;
    assert.equal(lineKinds(block), block.lines.map((line) => kindLetter[line.kind]).join(''));
    assert.equal(lineKinds(eager), lineKinds(block));
    assert.deepEqual(actionHeaderRange(block), block.actionHeader?.range);
    assert.deepEqual(actionHeaderRange(eager), block.actionHeader?.range);
  }
});

test('a block derived with Object.create (as ami send does) reads its lines through the original', () => {
  const script = parseScript(EXAMPLE);
  const derived = Object.create(script.blocks[0], { expectations: { value: [] } }) as Block;
  assert.deepEqual(derived.headers.map((h) => h.name), script.blocks[0].headers.map((h) => h.name));
  assert.deepEqual(derived.expectations, []);
  assert.deepEqual(derived.actionHeader?.range, script.blocks[0].actionHeader?.range);
  assert.equal(lineKinds(derived), lineKinds(script.blocks[0]));
});

test('native scans keep the line rules: header suffixes, @expect and directive starts, {{ on the same line only, name clashes, titles', () => {
  const text = [
    '# ',
    '# first',
    'not a header',
    '#   second',
    '#\tthird',
    'Action: Setvar',
    'Name(a(b): 1',
    'Name(a)): 2',
    'Name(ab: 3',
    'Name(a b):4',
    'Abc: 1',
    'Axc: 2',
    'Abc: 3',
    'Value: {{a}}   ',
    'Other: a',
    'Next: {x}{',
    '@expect\tResponse: Success',
    '@EXPECT',
    '#\t@name call',
    '# not @name here',
    ';@x-y v',
    '',
    '# first',
    'not a header',
    '#   second',
    '#\tthird',
    'Action: Ping',
    '@expect',
  ].join('\r\n');
  const script = parseScript(text);
  const [block, same] = script.blocks;
  assert.equal(block.title, 'second third');
  assert.deepEqual(
    block.lines.map((line) => line.kind).join(' '),
    'comment comment invalid comment comment header invalid invalid invalid header header header header header header header expect expect directive comment directive',
  );
  assert.deepEqual(
    block.headers.map((header) => [header.name, header.value, header.variables.map((v) => v.name)]),
    [
      ['Action', 'Setvar', []],
      ['Name(a b)', '4', []],
      ['Abc', '1', []],
      ['Axc', '2', []],
      ['Abc', '3', []],
      ['Value', '{{a}}', ['a']],
      ['Other', 'a', []],
      ['Next', '{x}{', []],
    ],
  );
  assert.deepEqual(block.expectations.map((e) => e.text), ['Response: Success', '']);
  assert.deepEqual(block.directives.map((d) => [d.name, d.value]), [['name', 'call'], ['x-y', 'v']]);
  assert.equal(block.name, 'call');
  // Same shape, same kinds; the last line is an @expect at the very end of the text.
  assert.equal(same.title, 'second third');
  assert.equal(lineKinds(same), 'cicche');
  assert.deepEqual(same.expectations.map((e) => e.text), ['']);
  // The block rebuilt on its own (the completion path) is the same.
  assert.deepEqual(blockView(parseBlockAt(text, 20)), blockView(block, -1));
  assert.deepEqual(blockView(parseBlockAt(text, 27)), blockView(same, -1));
});
