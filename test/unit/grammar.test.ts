// The TextMate grammar and language configuration: valid JSON, every regex compiles, every include resolves, and
// sample lines get the scopes a theme needs. VS Code runs the grammar with Oniguruma (vscode-textmate); neither is
// installed here, so this test uses JS RegExp as an approximation and rejects Oniguruma-only syntax outright.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Capture {
  name?: string;
  patterns?: Rule[];
}
interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, Capture>;
  comment?: string;
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const root = join(__dirname, '..', '..');
const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'ami.tmLanguage.json'), 'utf8')) as Grammar;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { grammars: Array<{ language: string; scopeName: string; path: string }>; languages: Array<{ configuration: string }> };
};

/** Every rule object in the grammar, with a path for error messages. */
function allRules(): Array<{ path: string; rule: Rule }> {
  const found: Array<{ path: string; rule: Rule }> = [];
  const visit = (rule: Rule, path: string): void => {
    found.push({ path, rule });
    rule.patterns?.forEach((child, index) => visit(child, `${path}.patterns[${index}]`));
    for (const [group, capture] of Object.entries(rule.captures ?? {})) {
      capture.patterns?.forEach((child, index) => visit(child, `${path}.captures[${group}].patterns[${index}]`));
    }
  };
  grammar.patterns.forEach((rule, index) => visit(rule, `patterns[${index}]`));
  for (const [key, rule] of Object.entries(grammar.repository)) visit(rule, `repository.${key}`);
  return found;
}

/** Flattens includes into the list of match rules, in order. */
function resolve(rules: Rule[]): Rule[] {
  const flat: Rule[] = [];
  for (const rule of rules) {
    if (rule.include) {
      const target = grammar.repository[rule.include.slice(1)];
      assert.ok(target, `include ${rule.include} has no repository entry`);
      flat.push(...(target.match ? [target] : resolve(target.patterns ?? [])));
    } else if (rule.match) {
      flat.push(rule);
    } else {
      flat.push(...resolve(rule.patterns ?? []));
    }
  }
  return flat;
}

interface Token {
  text: string;
  scopes: string[];
}

/** A small TextMate-like tokenizer for match-only grammars: leftmost match wins, ties go to the first rule. */
function tokenize(text: string, rules: Rule[], outer: string[] = [], anchoredLine = true): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    let best: { rule: Rule; match: RegExpExecArray } | undefined;
    for (const rule of rules) {
      if (!anchoredLine && rule.match!.startsWith('^') && position > 0) continue;
      const regex = new RegExp(rule.match!, 'dg');
      regex.lastIndex = position;
      const match = regex.exec(text);
      if (match && match[0].length > 0 && (!best || match.index < best.match.index)) best = { rule, match };
    }
    if (!best) {
      tokens.push({ text: text.slice(position), scopes: outer });
      break;
    }
    const { rule, match } = best;
    if (match.index > position) tokens.push({ text: text.slice(position, match.index), scopes: outer });
    const ruleScopes = rule.name ? [...outer, ...rule.name.split(' ')] : outer;
    let cursor = match.index;
    const end = match.index + match[0].length;
    const indices = match.indices!;
    for (let group = 1; group < match.length; group++) {
      const span = indices[group];
      const capture = rule.captures?.[String(group)];
      if (!span || !capture || span[0] === span[1] || span[0] < cursor) continue;
      if (span[0] > cursor) tokens.push({ text: text.slice(cursor, span[0]), scopes: ruleScopes });
      const captureScopes = capture.name ? [...ruleScopes, ...capture.name.split(' ')] : ruleScopes;
      const captured = text.slice(span[0], span[1]);
      if (capture.patterns) tokens.push(...tokenize(captured, resolve(capture.patterns), captureScopes, false));
      else tokens.push({ text: captured, scopes: captureScopes });
      cursor = span[1];
    }
    if (end > cursor) tokens.push({ text: text.slice(cursor, end), scopes: ruleScopes });
    position = end;
  }
  return tokens;
}

const lineRules = resolve(grammar.patterns);

/** The innermost scope of the token that covers `piece` in `line`. */
function scopeOf(line: string, piece: string): string | undefined {
  const offset = line.indexOf(piece);
  assert.ok(offset >= 0, `"${piece}" is not in "${line}"`);
  let at = 0;
  for (const token of tokenize(line, lineRules)) {
    if (offset >= at && offset < at + token.text.length) {
      assert.ok(offset + piece.length <= at + token.text.length, `"${piece}" spans several tokens in "${line}"`);
      return token.scopes[token.scopes.length - 1];
    }
    at += token.text.length;
  }
  return undefined;
}

describe('TextMate grammar', () => {
  it('is the grammar the manifest contributes for the ami language', () => {
    const contributed = manifest.contributes.grammars.find((entry) => entry.language === 'ami');
    assert.ok(contributed, 'package.json contributes no grammar for "ami"');
    assert.equal(contributed.scopeName, grammar.scopeName);
    assert.equal(contributed.path, './syntaxes/ami.tmLanguage.json');
  });

  it('has regexes that compile and use no Oniguruma-only syntax', () => {
    const onigurumaOnly = /\(\?[imx-]+[:)]|\\[hHGAzZ]|\(\?>|[*+?}][+]/;
    const rules = allRules();
    assert.ok(rules.length > 15, 'the grammar should have its rules');
    for (const { path, rule } of rules) {
      for (const key of ['match', 'begin', 'end'] as const) {
        const source = rule[key];
        if (source === undefined) continue;
        assert.doesNotMatch(source, onigurumaOnly, `${path}.${key} uses Oniguruma-only syntax: ${source}`);
        assert.doesNotThrow(() => new RegExp(source), `${path}.${key} does not compile: ${source}`);
        const groups = new RegExp(`${source}|`).exec('')!.length - 1;
        for (const group of Object.keys(rule.captures ?? {})) {
          assert.ok(Number(group) <= groups, `${path} names capture ${group} but ${key} has only ${groups} groups`);
        }
      }
    }
  });

  it('resolves every include and scopes every name to .ami', () => {
    for (const { path, rule } of allRules()) {
      if (rule.include) assert.ok(grammar.repository[rule.include.slice(1)], `${path} includes missing ${rule.include}`);
      for (const name of [rule.name, ...Object.values(rule.captures ?? {}).map((capture) => capture.name)]) {
        if (name) for (const scope of name.split(' ')) assert.match(scope, /\.ami$/, `${path}: scope ${scope}`);
      }
    }
  });

  it('scopes actions, header names and values', () => {
    assert.equal(scopeOf('Action: Originate', 'Action'), 'keyword.other.action.ami');
    assert.equal(scopeOf('Action: Originate', 'Originate'), 'entity.name.function.action.ami');
    assert.equal(scopeOf('action:QueueStatus', 'QueueStatus'), 'entity.name.function.action.ami');
    assert.equal(scopeOf('Channel: Local/100@test', 'Channel'), 'support.type.property-name.header.ami');
    assert.equal(scopeOf('Channel: Local/100@test', 'Local/100@test'), 'string.unquoted.header-value.ami');
    assert.equal(scopeOf('Data: a:b:c', 'a:b:c'), 'string.unquoted.header-value.ami');
    assert.equal(scopeOf('ChanVariable(PJSIP/x): A=1', 'ChanVariable(PJSIP/x)'), 'support.type.property-name.header.ami');
  });

  it('scopes comments, directives and separators', () => {
    assert.equal(scopeOf('# Originate a test call', 'Originate a test call'), 'comment.line.number-sign.ami');
    assert.equal(scopeOf('; old style', 'old style'), 'comment.line.semicolon.ami');
    assert.equal(scopeOf('# @name call', 'name'), 'keyword.other.directive.ami');
    assert.equal(scopeOf('# @name call', 'call'), 'entity.name.label.ami');
    assert.equal(scopeOf('### Second part', '###'), 'punctuation.separator.block.ami');
    assert.equal(scopeOf('### Second part', 'Second part'), 'entity.name.section.ami');
  });

  it('scopes @expect lines and file variables', () => {
    const expectLine = '@expect Event: OriginateResponse Response=Success within 5s';
    assert.equal(scopeOf(expectLine, '@expect'), 'keyword.control.expect.ami');
    assert.equal(scopeOf(expectLine, 'Event'), 'support.type.property-name.expect-kind.ami');
    assert.equal(scopeOf(expectLine, 'OriginateResponse'), 'entity.name.type.event.ami');
    assert.equal(scopeOf('@expect Event: Hangup Cause=16', 'Cause'), 'variable.parameter.field.ami');
    assert.equal(scopeOf(expectLine, 'Success'), 'string.unquoted.field-value.ami');
    assert.equal(scopeOf(expectLine, 'within'), 'keyword.other.within.ami');
    assert.equal(scopeOf(expectLine, '5'), 'constant.numeric.ami');
    assert.equal(scopeOf('@expect List: >=3', '>='), 'keyword.operator.comparison.ami');
    assert.equal(scopeOf('@host = pbx.example.com', 'host'), 'variable.other.definition.ami');
    assert.equal(scopeOf('@host = pbx.example.com', 'pbx.example.com'), 'string.unquoted.variable-value.ami');
  });

  it('scopes {{variables}} inside values, builtins and unclosed braces', () => {
    assert.equal(scopeOf('Channel: {{call.Channel}}', 'call.Channel'), 'variable.other.ami');
    assert.equal(scopeOf('Channel: SIP/{{peer}}-x', '{{'), 'punctuation.definition.template-expression.begin.ami');
    assert.equal(scopeOf('Channel: SIP/{{peer}}-x', '-x'), 'string.unquoted.header-value.ami');
    assert.equal(scopeOf('ActionID: {{$uuid}}', '$uuid'), 'support.variable.builtin.ami');
    assert.equal(scopeOf('Exten: {{$env EXTEN}}', 'EXTEN'), 'string.unquoted.argument.ami');
    assert.equal(scopeOf('Exten: {{unfinished', '{{unfinished'), 'invalid.illegal.unclosed-variable.ami');
    assert.equal(scopeOf('@expect Event: Hangup Channel={{call.Channel}}', 'call.Channel'), 'variable.other.ami');
  });
});

describe('language configuration', () => {
  const configuration = JSON.parse(readFileSync(join(root, 'language-configuration.json'), 'utf8')) as {
    comments: { lineComment: string };
    brackets: string[][];
    autoClosingPairs: Array<{ open: string; close: string }>;
    folding: { markers: { start: string; end: string } };
    wordPattern: string;
  };

  it('is the one the manifest points at', () => {
    assert.equal(manifest.contributes.languages[0].configuration, './language-configuration.json');
  });

  it('comments with #, pairs {{ }}, and has folding markers and a word pattern that compile', () => {
    assert.equal(configuration.comments.lineComment, '#');
    assert.deepEqual(configuration.brackets[0], ['{{', '}}']);
    assert.ok(configuration.autoClosingPairs.some((pair) => pair.open === '{{' && pair.close === '}}'));
    assert.match('# region setup', new RegExp(configuration.folding.markers.start));
    assert.match('# endregion', new RegExp(configuration.folding.markers.end));
    assert.equal(new RegExp(configuration.wordPattern).exec('{{call.Channel}}')?.[0], 'call.Channel');
  });
});
