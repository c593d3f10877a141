/**
 * Checks of `.ami` scripts (docs/script-format.md "What the editor checks", docs/security.md). Every diagnostic has
 * source "ami", a stable kebab-case code from `DiagnosticCode`, a message that says how to fix it, and — when a
 * quick fix exists — `data` of type `FixData` that `computeCodeActions` turns into edits.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getCatalogue, type ActionDoc, type Catalogue, type ParamDoc } from '../catalogue/index';
import { closedEnum, findParam, lowerCaseName, resolveBranch, UNIVERSAL_HEADERS, valueAccepted } from '../catalogue/queries';
import { KNOWN_RESPONSE_STATUSES, parseExpectation } from '../expect/parse';
import { assessDanger } from '../safety/dangerous';
import { ScriptParser, type LineRecords } from '../script/parser';
import type { Block, ExpectLine, HeaderLine, Script, VariableRef } from '../script/types';
import { listText, nearestNames, utf8Length } from './textUtil';
import { DiagnosticCode, type DiagnosticCodeValue, type FixData } from './diagnosticCodes';
import type { LanguageSettings } from './types';
import { BLOCK_NAME, builtinProblem, CONNECTION_ACTIONS, FREE_FORM_ACTIONS, isUnsafeValue, MAX_HEADERS, MAX_LINE_BYTES, profileValue as profileValueOf } from './checkRules';
import { QuickChecker, type QuickCheckContext, type QuickVerdict } from './quickCheck';

/** Control-character findings reported per document before a summary (a binary file must not flood the list). */
const MAX_CONTROL_CHARACTER_REPORTS = 100;
/** Diagnostics listed per document; one more says how many were left out (editors slow down on huge lists). */
export const MAX_DIAGNOSTICS = 1000;
/** Characters looked at to tell a binary file from text. */
const BINARY_SAMPLE_LENGTH = 8192;

/** KNOWN_RESPONSE_STATUSES, lower-cased. */
const KNOWN_RESPONSE_STATUS_NAMES: ReadonlySet<string> = new Set(KNOWN_RESPONSE_STATUSES.map((status) => status.toLowerCase()));

/** A finding on an `@expect` line (see Checker.expectationIssue). */
interface ExpectationIssue {
  /** The finding's part of the text after `@expect`, or -1 (both) for the whole line. */
  start: number;
  end: number;
  severity: DiagnosticSeverity;
  code: DiagnosticCodeValue;
  message: string;
  data?: FixData;
}

/** Collects diagnostics for one document. */
class Checker implements QuickCheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly branch: string;
  private readonly fileVariables = new Set<string>();
  /** Block name → index of the first block with that name. */
  private readonly namedBlocks = new Map<string, number>();
  private readonly actionIds = new Map<string, HeaderLine>();
  /** nearestNames results by candidate list and name: a large file repeats the same typo many times. */
  private readonly suggestionCache = new Map<string, string[]>();
  /** parseExpectation results by text: files repeat the same few `@expect` lines (the results are only read). */
  private readonly parsedExpectations = new Map<string, ReturnType<typeof parseExpectation>>();
  private actionNames?: string[];
  private blocksByName?: Map<string, Block[]>;
  private readonly actionDocs = new Map<string, ActionDoc | undefined>();
  private eventNames?: string[];
  /** Diagnostics found past MAX_DIAGNOSTICS: counted, the most severe kind remembered, the first one's place. */
  private unlisted = 0;
  private unlistedSeverity: DiagnosticSeverity = DiagnosticSeverity.Hint;
  private firstUnlistedRange?: Range;
  /** Lines that are only NUL characters (reported once each as such, not per character). */
  private readonly nulLines = new Set<number>();
  /**
   * The header that first gave each parameter in the block being checked (checkHeaders). Entries from earlier
   * blocks carry an older stamp: a map made per block was a large share of a first check's garbage, and one
   * cleared per block kept its grown table (the 20 MB file's peak RSS rose by 100 MB).
   */
  private readonly seenHeaders = new Map<ParamDoc, HeaderLine>();
  private readonly seenStamps = new Map<ParamDoc, number>();
  private seenStamp = 0;

  constructor(
    private readonly document: TextDocument,
    private readonly script: Script,
    readonly settings: LanguageSettings,
    private readonly catalogue: Catalogue,
    /** Parses the rest of the text, when `script` is still being parsed (see {@link diagnosticsJob}). */
    private completeScript?: () => void,
  ) {
    const { branch, known } = resolveBranch(catalogue, settings.asteriskVersion);
    this.branch = branch;
    if (!known) {
      this.add(
        { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        DiagnosticSeverity.Warning,
        DiagnosticCode.unknownAsteriskVersion,
        `The target Asterisk version "${settings.asteriskVersion}" is not one the catalogue covers (${listText(catalogue.branches.slice(), 'or')}); checking against ${branch}. Set ami.asteriskVersion to one of those.`,
      );
    }
    this.addFileVariables();
  }

  /** File variables of the script parsed so far. */
  private addFileVariables(): void {
    const variables = this.script.fileVariables;
    for (; this.fileVariablesRead < variables.length; this.fileVariablesRead++) this.fileVariables.add(variables[this.fileVariablesRead].name);
  }

  private fileVariablesRead = 0;

  /**
   * Parses the rest of the script, when it is still being parsed: a check that needs what comes later (a file
   * variable defined below its use, the blocks named further down) asks for it. Blocks are then checked as if
   * the whole file had been parsed first.
   */
  private completeParse(): void {
    if (!this.completeScript) return;
    this.completeScript();
    this.completeScript = undefined;
    this.addFileVariables();
  }

  /**
   * `nearestNames(name, candidates(), max)`, remembered under `listKey` (which must identify the candidate list):
   * the edit distances to every catalogue name are the costliest part of checking a large file.
   */
  private suggest(listKey: string, name: string, candidates: () => readonly string[], max?: number): string[] {
    const key = `${listKey}\u0000${name}\u0000${max ?? ''}`;
    let suggestions = this.suggestionCache.get(key);
    if (!suggestions) {
      suggestions = nearestNames(name, candidates(), max);
      this.suggestionCache.set(key, suggestions);
    }
    return suggestions.slice();
  }

  add(range: Range, severity: DiagnosticSeverity, code: DiagnosticCodeValue, message: string, data?: FixData, related?: DiagnosticRelatedInformation[]): void {
    if (this.diagnostics.length >= this.maxListed) {
      this.countUnlisted(range, severity);
      return;
    }
    const diagnostic: Diagnostic = { range, severity, code, source: 'ami', message };
    if (data) diagnostic.data = data;
    if (related) diagnostic.relatedInformation = related;
    this.diagnostics.push(diagnostic);
  }

  private countUnlisted(range: Range, severity: DiagnosticSeverity | undefined): void {
    this.unlisted++;
    if (severity !== undefined && severity < this.unlistedSeverity) this.unlistedSeverity = severity;
    if (!this.firstUnlistedRange || comparePositions(range.start, this.firstUnlistedRange.start) < 0) this.firstUnlistedRange = range;
  }

  run(): Diagnostic[] {
    this.step(Number.POSITIVE_INFINITY);
    return this.result();
  }

  /** Blocks checked so far; -1 once the text was found binary (nothing else is checked). */
  private checkedBlocks = 0;

  /**
   * Checks up to `maxBlocks` more of the blocks parsed so far; true when every block is checked (and, for a job
   * that checks as the parse goes, the parse is complete: see {@link diagnosticsJob}).
   */
  step(maxBlocks: number): boolean {
    if (this.completeScript) this.addFileVariables();
    if (this.checkedBlocks === 0 && !this.binaryChecked) {
      this.binaryChecked = true;
      const binary = binaryEvidence(this.document.getText());
      if (binary) {
        // Checking a binary file line by line gives thousands of meaningless findings: say what it is instead.
        this.add(
          { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          DiagnosticSeverity.Error,
          DiagnosticCode.binaryFile,
          `This does not look like an .ami script: ${binary.suspicious} of its first ${binary.sampled} characters are control characters or invalid UTF-8, as in a binary file. No other checks ran. Open the script you meant, or remove the binary content.`,
        );
        this.checkedBlocks = -1;
      }
    }
    if (this.checkedBlocks === -1) return true;
    const blocks = this.script.blocks;
    const end = Math.min(blocks.length, this.checkedBlocks + maxBlocks);
    for (let index = this.checkedBlocks; index < end; index++) this.checkBlock(blocks[index]);
    this.checkedBlocks = end;
    return end === blocks.length && this.completeScript === undefined;
  }

  /** The parse is complete (the job's script will get no more blocks or file variables). */
  parsed(): void {
    this.completeScript = undefined;
    this.addFileVariables();
  }

  private binaryChecked = false;

  /** The editor caps a document's list; `ami lint` reports everything (settings.maxDiagnostics). */
  private get maxListed(): number {
    return this.settings.maxDiagnostics ?? MAX_DIAGNOSTICS;
  }

  /** The diagnostics, once `step` returned true: in file order, capped, with the summary of what was left out. */
  result(): Diagnostic[] {
    if (this.checkedBlocks === -1) return this.diagnostics;
    const blockDiagnostics = this.diagnostics.sort(byPosition);
    const listed = mergeByPosition(blockDiagnostics, this.controlCharacterDiagnostics());
    for (let index = this.maxListed; index < listed.length; index++) this.countUnlisted(listed[index].range, listed[index].severity);
    if (listed.length > this.maxListed) listed.length = this.maxListed;
    if (this.unlisted > 0 && this.firstUnlistedRange) {
      listed.push({
        range: this.firstUnlistedRange,
        severity: this.unlistedSeverity,
        code: DiagnosticCode.tooManyProblems,
        source: 'ami',
        message: `${this.unlisted} more problems from here on are not listed (only the first ${this.maxListed} are). Fix the ones listed, or check that this is the .ami script you meant.`,
      });
    }
    return listed;
  }

  /**
   * Quick verdicts (quickCheck.ts) by block index, until the block's turn (undefined: the full check). An array
   * written in block order: a Map set and emptied as the check catches up with the parse reallocates its table.
   */
  private readonly verdicts: (QuickVerdict | undefined)[] = [];
  private readonly quick = new QuickChecker(this);
  /** Blocks the full check read (the rest passed on their quick verdict): what a first check's speed rests on. */
  fullyChecked = 0;

  /** Runs the quick check on `block` as it is parsed (its lines are `records` of `text`); see quickCheck.ts. */
  quickCheck(block: Block, records: Readonly<LineRecords>, text: string): void {
    this.verdicts[block.index] = this.quick.verdict(block, records, text);
  }

  /**
   * Settles what a quick verdict left to the blocks before `block`: true when the block is clean (its name is then
   * recorded), false when the full check must look at it.
   */
  private settle(block: Block, verdict: QuickVerdict): boolean {
    const variables = verdict.variables;
    if (variables !== undefined) {
      for (let index = 0; index < variables.length; index++) if (!this.resolvedBefore(block, variables[index])) return false;
    }
    const name = verdict.name;
    if (name !== undefined) {
      if (this.namedBlocks.has(name)) return false;
      this.namedBlocks.set(name, block.index);
    }
    return true;
  }

  /** checkVariable finds nothing for `{{name}}` in `block` without parsing further (see QuickChecker.variableLeft). */
  private resolvedBefore(block: Block, name: string): boolean {
    if (this.fileVariables.has(name)) return true;
    // A profile value left to settle is unsafe: reported unless a file variable has the name.
    if (profileValueOf(this.settings, name) !== undefined) return false;
    const dot = name.indexOf('.');
    if (dot === -1) return false;
    const named = this.namedBlocks.get(name.slice(0, dot));
    return named !== undefined && named < block.index;
  }

  private checkBlock(block: Block): void {
    const verdict = this.verdicts[block.index];
    if (verdict !== undefined) {
      this.verdicts[block.index] = undefined;
      if (this.settle(block, verdict)) return;
    }
    this.fullyChecked++;
    this.checkNames(block);
    this.checkStructure(block);
    // Indexed loops on this path: a cold for-of allocates an iterator result per item, and a file's first check
    // runs before V8 has optimised it.
    const headers = block.headers;
    let hasActionId = false;
    for (let index = 0; index < headers.length; index++) {
      const header = headers[index];
      this.checkLineLength(header);
      const variables = header.variables;
      for (let at = 0; at < variables.length; at++) this.checkVariable(block, variables[at]);
      if (!hasActionId && lowerCaseName(header.name) === 'actionid') hasActionId = true;
    }
    const expectations = block.expectations;
    for (let index = 0; index < expectations.length; index++) {
      const expectation = expectations[index];
      this.checkExpectation(expectation);
      const variables = expectation.variables;
      for (let at = 0; at < variables.length; at++) this.checkVariable(block, variables[at]);
    }
    const sentHeaders = headers.length + (hasActionId ? 0 : 1);
    if (sentHeaders > MAX_HEADERS) {
      this.add(
        block.headers[MAX_HEADERS - 1]?.range ?? block.range,
        DiagnosticSeverity.Error,
        DiagnosticCode.tooManyHeaders,
        `This block sends ${sentHeaders} headers (counting the ActionID the runner adds); Asterisk keeps only ${MAX_HEADERS} per action. Split it into several actions.`,
      );
    }
    this.checkSecrets(block);
    if (block.action !== undefined && block.actionHeader) this.checkAction(block, block.actionHeader);
  }

  /** `catalogue.action(name)`, remembered per name (each block asks twice, and files repeat their actions). */
  actionDoc(name: string): ActionDoc | undefined {
    if (this.actionDocs.has(name)) return this.actionDocs.get(name);
    const doc = this.catalogue.action(name);
    this.actionDocs.set(name, doc);
    return doc;
  }

  /** Blocks whose `name` is `name`, in file order (indexed once: a file may have thousands of unresolved references). */
  private blocksNamed(name: string): readonly Block[] {
    if (!this.blocksByName) {
      this.completeParse();
      this.blocksByName = new Map();
      for (const candidate of this.script.blocks) {
        if (candidate.name === undefined) continue;
        const list = this.blocksByName.get(candidate.name);
        if (list) list.push(candidate);
        else this.blocksByName.set(candidate.name, [candidate]);
      }
    }
    return this.blocksByName.get(name) ?? [];
  }

  /** `# @name` directives: valid, unique, recorded for later `{{name.X}}` references. */
  private checkNames(block: Block): void {
    const directives = block.directives;
    for (let index = 0; index < directives.length; index++) {
      const directive = directives[index];
      if (lowerCaseName(directive.name) !== 'name') continue;
      if (!BLOCK_NAME.test(directive.value)) {
        this.add(
          directive.value === '' ? directive.range : directive.valueRange,
          DiagnosticSeverity.Error,
          DiagnosticCode.invalidName,
          directive.value === ''
            ? '`# @name` needs a name: write `# @name call` (letters, digits, _ and -).'
            : `"${directive.value}" is not a valid block name: use letters, digits, _ and - (no spaces or dots), starting with a letter.`,
        );
        continue;
      }
      if (directive !== block.directives.find((d) => lowerCaseName(d.name) === 'name')) {
        this.add(directive.range, DiagnosticSeverity.Error, DiagnosticCode.duplicateName, `This block already has a name ("${block.name}"): remove one \`# @name\` line.`, { fix: 'deleteLine' });
        continue;
      }
      const first = this.namedBlocks.get(directive.value);
      if (first !== undefined) {
        const firstBlock = this.script.blocks[first];
        const firstDirective = firstBlock.directives.find((d) => lowerCaseName(d.name) === 'name' && d.value === directive.value);
        this.add(
          directive.valueRange,
          DiagnosticSeverity.Error,
          DiagnosticCode.duplicateName,
          `The name "${directive.value}" is already used by the block on line ${(firstDirective ?? firstBlock).range.start.line + 1}: choose another name.`,
          undefined,
          firstDirective ? [{ location: { uri: this.document.uri, range: firstDirective.valueRange }, message: 'first use of the name' }] : undefined,
        );
      } else {
        this.namedBlocks.set(directive.value, block.index);
      }
    }
  }

  /** Invalid lines, missing or misplaced `Action:`. */
  private checkStructure(block: Block): void {
    let headerSeen = false;
    let nulLines = 0;
    const lines = block.lines;
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index];
      if (line.kind === 'header') headerSeen = true;
      if (line.kind !== 'invalid') continue;
      if (isNulLine(line.text)) {
        nulLines++;
        this.nulLines.add(line.line);
        this.add(
          line.range,
          DiagnosticSeverity.Error,
          DiagnosticCode.nulLine,
          `This line is ${line.text.length} NUL characters (U+0000), not text: the file was probably damaged (for example by an interrupted save). Delete the line.`,
          { fix: 'deleteLine' },
        );
      } else if (!headerSeen) {
        this.add(
          line.range,
          DiagnosticSeverity.Error,
          DiagnosticCode.textBeforeAction,
          `Text before the first header: ${describeInvalidLine(line.text)} A block must start with \`Action:\` (comments start with # or ;).`,
          { fix: 'commentLine' },
        );
      } else {
        this.add(line.range, DiagnosticSeverity.Error, DiagnosticCode.invalidLine, `Not a header line: ${describeInvalidLine(line.text)}`, { fix: 'commentLine' });
      }
    }
    if (block.action !== undefined) return;
    // A run of NUL lines (and comments) is reported line by line above, not as a block without an action.
    if (nulLines > 0 && block.lines.every((line) => line.kind === 'comment' || (line.kind === 'invalid' && isNulLine(line.text)))) return;
    const action = block.headers.find((h) => lowerCaseName(h.name) === 'action');
    if (action) {
      this.add(
        action.range,
        DiagnosticSeverity.Error,
        DiagnosticCode.actionNotFirst,
        `\`Action:\` must be the first header of the block (here \`${block.headers[0].name}:\` comes first): move this line up.`,
        { fix: 'moveActionFirst' },
      );
      return;
    }
    const first = block.headers[0] ?? block.lines.find((line) => line.kind !== 'comment') ?? block.lines[0];
    this.add(
      first.range,
      DiagnosticSeverity.Error,
      DiagnosticCode.missingAction,
      block.headers.length > 0
        ? 'This block has no `Action:` header: add `Action: <name>` as its first line, or separate it from the block above with a blank line if it belongs there.'
        : 'This block has no `Action:` header, so nothing would be sent: add `Action: <name>` or remove the block.',
    );
  }

  private checkLineLength(header: HeaderLine): void {
    const length = header.name.length + 2 + header.value.length;
    if (length * 3 <= MAX_LINE_BYTES) return;
    const bytes = utf8Length(header.name) + 2 + utf8Length(header.value);
    if (bytes <= MAX_LINE_BYTES) return;
    this.add(
      header.range,
      DiagnosticSeverity.Error,
      DiagnosticCode.lineTooLong,
      `This header is ${bytes} bytes as sent; Asterisk discards any line over ${MAX_LINE_BYTES} bytes (plus CR LF). Shorten the value.`,
    );
  }

  private checkSecrets(block: Block): void {
    const action = block.action !== undefined ? this.actionDoc(block.action) : undefined;
    const headers = block.headers;
    for (let index = 0; index < headers.length; index++) {
      const header = headers[index];
      const name = lowerCaseName(header.name);
      const secret = name === 'secret' || (name === 'key' && !(action && lowerCaseName(action.name) !== 'login' && findParam(action, 'key')));
      if (!secret) continue;
      this.add(
        header.range,
        DiagnosticSeverity.Error,
        DiagnosticCode.secretInFile,
        `\`${header.name}:\` puts a secret in the file: remove this line. Runs log in with a secret kept outside the file (AMI: Set Password in VS Code, AMI_SECRET for the ami command).`,
        { fix: 'deleteLine' },
      );
    }
  }

  private checkAction(block: Block, actionHeader: HeaderLine): void {
    const name = actionHeader.value;
    if (name === '') {
      this.add(actionHeader.range, DiagnosticSeverity.Error, DiagnosticCode.missingAction, '`Action:` is empty: write the action to run, e.g. `Action: Ping`.');
      return;
    }
    if (name.includes('{{')) return;
    const lower = lowerCaseName(name);
    const doc = this.actionDoc(name);
    if (!doc) {
      const suggestions = this.suggest('actions', name, () => (this.actionNames ??= this.catalogue.data.actions.map((a) => a.name)));
      this.add(
        actionHeader.valueRange,
        DiagnosticSeverity.Error,
        DiagnosticCode.unknownAction,
        `Unknown action "${visible(name)}".${suggestions.length ? ` Did you mean ${listText(suggestions.map((s) => `"${s}"`), 'or')}?` : ' Check the spelling (Asterisk lists its actions with `manager show commands`).'}`,
        suggestions.length ? { fix: 'replace', replacements: suggestions } : undefined,
      );
      return;
    }
    if (doc.name !== name) {
      this.add(actionHeader.valueRange, DiagnosticSeverity.Hint, DiagnosticCode.actionCase, `Asterisk spells this action "${doc.name}".`, { fix: 'replace', replacements: [doc.name] });
    }
    if (CONNECTION_ACTIONS.has(lower)) {
      this.add(
        actionHeader.valueRange,
        DiagnosticSeverity.Warning,
        DiagnosticCode.connectionAction,
        `The connection does ${doc.name} itself (login with the stored secret, logoff on disconnect): remove this block.`,
      );
      return;
    }
    if (!doc.branches.includes(this.branch)) {
      this.add(
        actionHeader.valueRange,
        DiagnosticSeverity.Error,
        DiagnosticCode.actionNotInVersion,
        `${doc.name} does not exist in Asterisk ${this.branch}; it exists in ${listText(doc.branches)}. Target one of those with ami.asteriskVersion (or --asterisk-version), or use another action.`,
      );
    }
    if (this.settings.allowedActions && !this.settings.allowedActions.has(lower)) {
      this.add(
        actionHeader.valueRange,
        DiagnosticSeverity.Warning,
        DiagnosticCode.actionNotAllowed,
        `The connected user may not run ${doc.name} (it is not in ListCommands): grant the needed class in manager.conf (read=/write=) or connect as another user.`,
      );
    }
    const danger = assessDanger(name, block.headers);
    if (danger.dangerous) {
      this.add(actionHeader.valueRange, DiagnosticSeverity.Warning, DiagnosticCode.dangerousAction, `Dangerous: ${danger.reason}. Sending it asks for confirmation (ami send and ami run need --allow-dangerous).`);
    }
    this.checkHeaders(block, doc);
  }

  private checkHeaders(block: Block, doc: ActionDoc): void {
    const freeForm = FREE_FORM_ACTIONS.has(lowerCaseName(doc.name));
    this.seenStamp++;
    const headers = block.headers;
    for (let index = 1; index < headers.length; index++) {
      const header = headers[index];
      const lower = lowerCaseName(header.name);
      if (lower === 'action') {
        this.add(
          header.range,
          DiagnosticSeverity.Error,
          DiagnosticCode.duplicateHeader,
          'A second `Action:` in one block: Asterisk reads only the first. Put a blank line before this line to start a new block.',
          { fix: 'splitBlock' },
        );
        continue;
      }
      const found = findParam(doc, header.name, this.branch);
      if (!found) {
        if (freeForm || UNIVERSAL_HEADERS.has(lower) || lower === 'secret' || lower === 'key') continue;
        const candidates = doc.params.filter((p) => !this.seenInBlock(p) || p.repeatable).map((p) => p.name);
        const suggestions = this.suggest(`params\u0000${doc.name}\u0000${candidates.join('\u0000')}`, header.name, () => candidates);
        this.add(
          header.nameRange,
          DiagnosticSeverity.Warning,
          DiagnosticCode.unknownHeader,
          `${doc.name} has no header "${header.name}".${suggestions.length ? ` Did you mean ${listText(suggestions.map((s) => `"${s}"`), 'or')}?` : ` Its headers are ${listText(doc.params.map((p) => p.name))}.`}`,
          suggestions.length ? { fix: 'replace', replacements: suggestions } : undefined,
        );
        continue;
      }
      const { param, exact } = found;
      if (exact && param.name !== header.name) {
        this.add(header.nameRange, DiagnosticSeverity.Hint, DiagnosticCode.headerCase, `Asterisk spells this header "${param.name}".`, { fix: 'replace', replacements: [param.name] });
      }
      if (param.branches && !param.branches.includes(this.branch)) {
        this.add(
          header.nameRange,
          DiagnosticSeverity.Warning,
          DiagnosticCode.headerNotInVersion,
          `${doc.name} has no "${param.name}" header in Asterisk ${this.branch} (it has in ${listText(param.branches)}): Asterisk ${this.branch} ignores it. Remove it or target another version.`,
          { fix: 'deleteLine' },
        );
      }
      const previous = this.seenInBlock(param);
      if (previous && exact && !param.repeatable) {
        this.add(
          header.range,
          DiagnosticSeverity.Warning,
          DiagnosticCode.duplicateHeader,
          `"${param.name}" is given again; Asterisk reads only the first one (line ${previous.range.start.line + 1}). Remove this line.`,
          { fix: 'deleteLine' },
          [{ location: { uri: this.document.uri, range: previous.range }, message: 'the value Asterisk uses' }],
        );
      }
      if (!previous) {
        this.seenHeaders.set(param, header);
        this.seenStamps.set(param, this.seenStamp);
      }
      this.checkValue(doc, param, header);
      if (lower === 'actionid') this.checkActionId(header);
    }
    this.checkRequired(block, doc);
  }

  /** The header that gave `param` in the block checkHeaders is checking, if any. */
  private seenInBlock(param: ParamDoc): HeaderLine | undefined {
    return this.seenStamps.get(param) === this.seenStamp ? this.seenHeaders.get(param) : undefined;
  }

  private checkValue(doc: ActionDoc, param: ParamDoc, header: HeaderLine): void {
    if (header.value === '' || header.value.includes('{{')) return;
    const allowed = closedEnum(doc, param);
    if (!allowed || valueAccepted(allowed, header.value)) return;
    const suggestions = this.suggest(`values\u0000${allowed.join('\u0000')}`, header.value, () => allowed, allowed.length);
    const ordered = [...suggestions, ...allowed.filter((value) => !suggestions.includes(value))];
    this.add(
      header.valueRange,
      DiagnosticSeverity.Warning,
      DiagnosticCode.invalidValue,
      `"${visible(header.value)}" is not a value of ${param.name}: use ${listText(allowed.map((v) => `"${v}"`), 'or')}.`,
      { fix: 'replace', replacements: ordered.slice(0, 8) },
    );
  }

  private checkActionId(header: HeaderLine): void {
    if (header.value === '' || header.value.includes('{{')) return;
    const first = this.actionIds.get(header.value);
    if (!first) {
      this.actionIds.set(header.value, header);
      return;
    }
    this.add(
      header.valueRange,
      DiagnosticSeverity.Warning,
      DiagnosticCode.duplicateActionId,
      `ActionID "${header.value}" is also used on line ${first.range.start.line + 1}: responses could be matched to the wrong block. Use a unique value, {{$uuid}}, or leave ActionID out.`,
      undefined,
      [{ location: { uri: this.document.uri, range: first.valueRange }, message: 'first use of this ActionID' }],
    );
  }

  private checkRequired(block: Block, doc: ActionDoc): void {
    const missing: string[] = [];
    const params = doc.params;
    for (let index = 0; index < params.length; index++) {
      const param = params[index];
      if (!param.required) continue;
      if (param.branches && !param.branches.includes(this.branch)) continue;
      const header = this.seenInBlock(param);
      if (!header) {
        missing.push(param.name);
      } else if (header.value === '') {
        this.add(
          header.range,
          DiagnosticSeverity.Error,
          DiagnosticCode.emptyRequiredHeader,
          `${doc.name} needs a value for ${param.name}: fill it in after the colon.`,
        );
      }
    }
    if (missing.length === 0 || !block.actionHeader) return;
    this.add(
      block.actionHeader.range,
      DiagnosticSeverity.Error,
      DiagnosticCode.missingHeader,
      `${doc.name} needs ${missing.length === 1 ? 'the header' : 'the headers'} ${listText(missing.map((m) => `"${m}"`))}: add ${missing.length === 1 ? 'it' : 'them'} to the block.`,
      { fix: 'insertHeaders', headers: missing },
    );
  }

  private checkVariable(block: Block, ref: VariableRef): void {
    if (!ref.closed) {
      this.add(ref.range, DiagnosticSeverity.Error, DiagnosticCode.unclosedVariable, `"{{${ref.name}" is not closed: add "}}" after the variable name.`);
      return;
    }
    const name = ref.name;
    if (name === '') {
      this.add(ref.range, DiagnosticSeverity.Error, DiagnosticCode.unresolvedVariable, 'Empty variable "{{}}": write a name between the braces, e.g. {{$uuid}}.');
      return;
    }
    if (name.startsWith('$')) {
      const problem = builtinProblem(name);
      if (problem !== undefined) this.add(ref.nameRange, DiagnosticSeverity.Error, DiagnosticCode.unknownBuiltin, problem);
      return;
    }
    if (this.fileVariables.has(name)) return;
    const profile = this.settings.profileVariables;
    const profileValue = profileValueOf(this.settings, name);
    const unsafeProfileValue = profileValue !== undefined && isUnsafeValue(profileValue);
    const dot = name.indexOf('.');
    const blockName = dot === -1 ? name : name.slice(0, dot);
    const named = this.namedBlocks.get(blockName);
    const earlierResult = named !== undefined && named < block.index && dot !== -1;
    // While the file is still being parsed, a file variable further down may define the name: parse the rest
    // before reporting anything about it (a safe profile value and an earlier block's result report nothing).
    if (this.completeScript && (profileValue !== undefined ? unsafeProfileValue : !earlierResult)) {
      this.completeParse();
      if (this.fileVariables.has(name)) return;
    }
    if (profileValue !== undefined) {
      if (unsafeProfileValue) {
        this.add(
          ref.range,
          DiagnosticSeverity.Error,
          DiagnosticCode.unsafeVariableValue,
          `The profile variable "${name}" contains a line break or NUL, which would inject extra headers: fix its value in the connection profile.`,
        );
      }
      return;
    }
    if (earlierResult) return;
    const laterBlock = this.blocksNamed(blockName).find((b) => b.index >= block.index);
    let message: string;
    if (named !== undefined && named < block.index) {
      message = `"{{${name}}}" names the block "${blockName}" but not a result: write {{${blockName}.Response}}, {{${blockName}.<Header>}} or {{${blockName}.events.<Event>.<Header>}}.`;
    } else if (laterBlock && dot !== -1) {
      message = laterBlock.index === block.index
        ? `"{{${name}}}" refers to this block's own results, which do not exist before it is sent: use a value or another block's results.`
        : `"{{${name}}}" uses the results of block "${blockName}", which comes later (line ${laterBlock.range.start.line + 1}): move that block above this one.`;
    } else {
      message = `Unknown variable "{{${name}}}": define it with \`@${name} = value\` above the blocks, in the connection profile's variables, or name an earlier block \`# @name ${blockName}\`.`;
    }
    // Without a known profile the variable may still come from it, so it is not an error yet.
    const severity = profile ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
    this.add(ref.nameRange, severity, DiagnosticCode.unresolvedVariable, message, dot === -1 && /^[A-Za-z_][\w.-]*$/.test(name) ? { fix: 'defineVariable', name } : undefined);
  }

  /** `@expect` lines, through the shared expectation parser (core/src/expect/parse.ts) the runners use. */
  private checkExpectation(expectation: ExpectLine): void {
    const issue = this.expectationIssue(expectation.text);
    if (!issue) return;
    this.add(issue.start === -1 ? expectation.range : expectationPart(expectation, issue.start, issue.end), issue.severity, issue.code, issue.message, issue.data);
  }

  /**
   * What is wrong with the `@expect` text `text`, or undefined; `start`/`end` are its part in the text (-1 for the
   * whole line).
   */
  expectationIssue(text: string): ExpectationIssue | undefined {
    let parsed = this.parsedExpectations.get(text);
    if (!parsed) {
      parsed = parseExpectation(text);
      this.parsedExpectations.set(text, parsed);
    }
    if (!parsed.ok) {
      const { start, end } = parsed.error;
      const message = parsed.error.message;
      return {
        start: end > start ? start : -1,
        end: end > start ? end : -1,
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.invalidExpect,
        message: `Bad @expect: ${message.charAt(0).toLowerCase()}${message.slice(1)}.`.replace(/\.\.$/, '.'),
      };
    }
    const { expectation: parsedExpectation, span } = parsed;
    if (parsedExpectation.kind === 'response') {
      const status = parsedExpectation.status;
      if (status.includes('{{') || KNOWN_RESPONSE_STATUS_NAMES.has(lowerCaseName(status))) return undefined;
      const suggestions = nearestNames(status, KNOWN_RESPONSE_STATUSES, 1);
      return {
        start: span.start,
        end: span.end,
        severity: DiagnosticSeverity.Warning,
        code: DiagnosticCode.invalidExpect,
        message: `Asterisk answers with ${listText(KNOWN_RESPONSE_STATUSES, 'or')}, not "${status}"${suggestions.length ? `: did you mean "${suggestions[0]}"?` : '.'}`,
        data: suggestions.length ? { fix: 'replace', replacements: suggestions } : undefined,
      };
    }
    if (parsedExpectation.kind === 'event') {
      const eventName = parsedExpectation.event;
      if (eventName.includes('{{') || this.catalogue.event(eventName)) return undefined;
      const suggestions = this.suggest('events', eventName, () => (this.eventNames ??= this.catalogue.data.events.map((e) => e.name)));
      return {
        start: span.start,
        end: span.end,
        severity: DiagnosticSeverity.Warning,
        code: DiagnosticCode.unknownEvent,
        message: `Asterisk documents no event "${eventName}".${suggestions.length ? ` Did you mean ${listText(suggestions.map((s) => `"${s}"`), 'or')}?` : ' Check the spelling.'}`,
        data: suggestions.length ? { fix: 'replace', replacements: suggestions } : undefined,
      };
    }
    return undefined;
  }

  /**
   * NUL, other control characters, lone CR and unusual line separators anywhere in the text, in text order (NULs of
   * a NUL-only line are reported with the line).
   */
  private controlCharacterDiagnostics(): Diagnostic[] {
    const found: Diagnostic[] = [];
    const text = this.document.getText();
    const pattern = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F\u0085\u2028\u2029]|\r(?!\n)/g;
    let extra = 0;
    const report = (range: Range, severity: DiagnosticSeverity, message: string, data?: FixData): void => {
      found.push(data ? { range, severity, code: DiagnosticCode.controlCharacter, source: 'ami', message, data } : { range, severity, code: DiagnosticCode.controlCharacter, source: 'ami', message });
    };
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const char = match[0];
      const code = char.charCodeAt(0);
      const start = this.document.positionAt(match.index);
      if (code === 0 && this.nulLines.has(start.line)) continue;
      if (found.length >= MAX_CONTROL_CHARACTER_REPORTS) {
        extra++;
        continue;
      }
      const name = describeControl(code);
      const end = this.document.positionAt(match.index + 1);
      if (char === '\r') {
        // An error: a terminal or a diff shows the text after it on the same line, so it can hide a whole action.
        found.push({
          range: { start, end },
          severity: DiagnosticSeverity.Error,
          code: DiagnosticCode.bareCr,
          source: 'ami',
          message:
            'A lone carriage return (CR) ends this line: a terminal or a diff shows what follows on the same line (it can hide an action), and the command line refuses to send the file. Use a normal line break (LF or CR LF).',
          data: { fix: 'lineBreak' },
        });
        continue;
      }
      report(
        { start, end },
        code === 0 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code === 0
          ? 'A NUL character (U+0000) is in the text: Asterisk would cut the line there. Remove it.'
          : `An invisible ${name} is in the text: it would be sent as is (or hide what is sent). Remove it.`,
        { fix: 'deleteRange' },
      );
    }
    if (extra > 0) {
      report(found[found.length - 1].range, DiagnosticSeverity.Warning, `${extra} more control characters are not listed: is this a binary file?`);
    }
    return found;
  }
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return comparePositions(a.range.start, b.range.start);
}

/** Two lists sorted by position as one (stable: `first` wins ties). */
function mergeByPosition(first: Diagnostic[], second: Diagnostic[]): Diagnostic[] {
  if (second.length === 0) return first;
  const merged: Diagnostic[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && byPosition(first[i], second[j]) <= 0)) merged.push(first[i++]);
    else merged.push(second[j++]);
  }
  return merged;
}

/** A line (spaces and tabs trimmed) made only of NUL characters. */
function isNulLine(text: string): boolean {
  if (text.length === 0) return false;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) !== 0) return false;
  return true;
}

/** The characters isBinaryCharacter accepts. */
const BINARY_CHARACTER = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFD]/;

/** True for characters text files do not contain: C0 controls but tab, LF, CR; DEL; U+FFFD (bytes that were not UTF-8). */
function isBinaryCharacter(code: number): boolean {
  return (code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0x7f || code === 0xfffd;
}

/**
 * How the start of `text` looks binary, or undefined when it looks like text: at least 10% (and 8) of its first
 * characters are control characters or U+FFFD. NUL-only lines are left out of the count (a damaged save is
 * reported line by line as such).
 */
export function binaryEvidence(text: string): { suspicious: number; sampled: number } | undefined {
  const limit = Math.min(text.length, BINARY_SAMPLE_LENGTH);
  // Nearly every file has none: the native search spares the character loop (it runs unoptimised on a first check).
  if (!BINARY_CHARACTER.test(limit === text.length ? text : text.slice(0, limit))) return undefined;
  let suspicious = 0;
  let sampled = 0;
  let lineSuspicious = 0;
  let lineLength = 0;
  let lineNuls = 0;
  let lineOther = 0;
  const endLine = (): void => {
    // A line of NULs (and blanks) only counts as nothing.
    if (!(lineNuls > 0 && lineOther === 0)) {
      suspicious += lineSuspicious;
      sampled += lineLength;
    }
    lineSuspicious = lineLength = lineNuls = lineOther = 0;
  };
  for (let index = 0; index < limit; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) {
      endLine();
      continue;
    }
    lineLength++;
    if (code === 0) lineNuls++;
    else if (code !== 32 && code !== 9) lineOther++;
    if (isBinaryCharacter(code)) lineSuspicious++;
  }
  endLine();
  return suspicious >= 8 && suspicious * 10 >= sampled ? { suspicious, sampled } : undefined;
}

/** The range of characters `start` to `end` of an expectation's text (made only for a diagnostic). */
function expectationPart(expectation: ExpectLine, start: number, end: number): Range {
  const base = expectation.textRange.start.character;
  return { start: { line: expectation.line, character: base + start }, end: { line: expectation.line, character: base + end } };
}

/** `text` with control characters shown as `\u001b` escapes (as the CLI shows them), for quoting user text in messages. */
function visible(text: string): string {
  return text.replace(/[\0-\x1F\x7F-\x9F\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function describeControl(code: number): string {
  switch (code) {
    case 0x1b:
      return 'escape character (ESC, U+001B)';
    case 0x85:
      return 'next-line character (NEL, U+0085)';
    case 0x2028:
      return 'line separator (U+2028)';
    case 0x2029:
      return 'paragraph separator (U+2029)';
    case 0x7f:
      return 'delete character (DEL, U+007F)';
    default:
      return `control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  }
}

/** Explains why a line is not a header, with the fix. */
function describeInvalidLine(text: string): string {
  if (/^[\w-]+(\([^()]*\))?\s+:/.test(text)) return 'there is a space before the colon; Asterisk needs `Name: value` with the colon right after the name.';
  if (/^@[A-Za-z_][\w.-]*\s*=/.test(text)) return 'file variables (`@name = value`) go outside blocks: put a blank line before it or move it to the top.';
  if (text.startsWith('@')) return 'lines starting with @ are `@expect ...` expectations or `@name = value` variables outside blocks.';
  const colon = text.indexOf(':');
  if (colon === -1) return 'a header is `Name: value` and this line has no colon. Make it a comment with # or end the block with a blank line.';
  return `"${visible(text.slice(0, colon))}" is not a header name: names are letters, digits, - and _ with an optional (suffix).`;
}

/**
 * All diagnostics for an `.ami` document. `script` may be passed when the caller already parsed this version;
 * `catalogue` defaults to the shipped one.
 */
export function computeDiagnostics(document: TextDocument, settings: LanguageSettings = {}, script?: Script, catalogue: Catalogue = getCatalogue()): Diagnostic[] {
  if (script) return new Checker(document, script, settings, catalogue).run();
  const checking = new CheckingParse(document, settings, catalogue);
  while (!checking.step(Number.POSITIVE_INFINITY));
  return checking.result();
}

/**
 * Lines parsed before the blocks they hold are checked: a block's quick verdict (quickCheck.ts) waits at most this
 * long, and a block the full check reads is still among the latest blocks whose text V8 has just touched.
 */
const PARSE_RUN_LINES = 512;
/** Blocks checked per step once the parse is complete. */
const CHECK_STEP_BLOCKS = 2_048;

/**
 * Parses `document` and checks its blocks as the parse goes (see {@link diagnosticsJob}), in steps; `script` is
 * the parse (complete once `step` returned true).
 */
export class CheckingParse {
  private readonly parser: ScriptParser;
  private readonly job: Checker;
  private parsed = false;

  constructor(document: TextDocument, settings: LanguageSettings, catalogue: Catalogue = getCatalogue()) {
    const text = document.getText();
    // Blocks are quick-checked from their line records as they are parsed (quickCheck.ts).
    const parser = new ScriptParser(text, (block, records) => checker.quickCheck(block, records, text));
    this.parser = parser;
    const checker = new Checker(document, parser.script, settings, catalogue, () => parser.step(Number.POSITIVE_INFINITY));
    this.job = checker;
  }

  get script(): Script {
    return this.parser.script;
  }

  /** Parses and checks about `maxLines` more lines (or a step of blocks once parsed); true when all is done. */
  step(maxLines: number): boolean {
    for (let lines = 0; lines < maxLines; lines += PARSE_RUN_LINES) {
      if (!this.parsed && this.parser.step(PARSE_RUN_LINES)) {
        this.parsed = true;
        this.job.parsed();
      }
      // Once parsed (also when a check asked for the rest of the file), one step of blocks per call.
      if (this.job.step(this.parsed ? CHECK_STEP_BLOCKS : Number.POSITIVE_INFINITY)) return true;
      if (this.parsed) return false;
    }
    return false;
  }

  /** The diagnostics, once `step` returned true. */
  result(): Diagnostic[] {
    return this.job.result();
  }

  /** Blocks the full check read so far; the others passed on the quick check alone. */
  get blocksCheckedInFull(): number {
    return this.job.fullyChecked;
  }
}

/** computeDiagnostics in steps: `step(n)` checks n more blocks and is true when done; then `result()`. */
export interface DiagnosticsJob {
  step(maxBlocks: number): boolean;
  /** For a job made with `completeScript`: the parse is complete. */
  parsed(): void;
  result(): Diagnostic[];
}

/**
 * A {@link DiagnosticsJob} over the `script` of `document`. With `completeScript`, the script may still be being
 * parsed: `step` checks the blocks parsed so far, call
 * `parsed()` once the parse is done; a check that needs a later part of the file calls `completeScript` to parse
 * the rest first. The result is the same as checking the complete script.
 */
export function diagnosticsJob(
  document: TextDocument,
  settings: LanguageSettings,
  script: Script,
  catalogue: Catalogue = getCatalogue(),
  completeScript?: () => void,
): DiagnosticsJob {
  return new Checker(document, script, settings, catalogue, completeScript);
}
