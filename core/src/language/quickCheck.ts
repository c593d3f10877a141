/**
 * The quick check of a file's first check: a block is read from the parse's line records (no line nodes) and
 * passed when every check of diagnostics.ts would find nothing in it. Anything it is not sure of (any finding,
 * ActionID, secrets, a name or variable it cannot settle) leaves the block to the full check, which builds the
 * block's nodes and says what is wrong. Most blocks of a working file are clean, and building their nodes was
 * most of the time to a large file's first diagnostics.
 *
 * What depends on the blocks before (a block name already used, a variable defined by a file variable or an
 * earlier block's results) is left in the verdict and settled when the block's turn comes (diagnostics.ts).
 */
import type { ActionDoc, ParamDoc } from '../catalogue/index';
import { closedEnum, findParam, lowerCaseName, UNIVERSAL_HEADERS, valueAccepted } from '../catalogue/queries';
import { assessDanger, dangerReadsHeaders } from '../safety/dangerous';
import { ownCopy } from '../text/detach';
import { LINE_COMMENT, LINE_DIRECTIVE, LINE_EXPECT, LINE_HEADER } from '../script/lineScan';
import { internedName, RECORD_STRIDE, VariableScan, type LineRecords } from '../script/parser';
import type { Block } from '../script/types';
import { BLOCK_NAME, builtinProblem, CONNECTION_ACTIONS, FREE_FORM_ACTIONS, isUnsafeValue, MAX_HEADERS, MAX_LINE_BYTES, profileValue } from './checkRules';
import type { LanguageSettings } from './types';

/** A block the quick check passed, with what is left to settle in file order. */
export interface QuickVerdict {
  /** The block's `# @name`, to record (unless an earlier block has it: then the full check reports it). */
  readonly name: string | undefined;
  /** Variables that resolve only through a file variable or an earlier named block's results. */
  readonly variables: readonly string[] | undefined;
}

const CLEAN: QuickVerdict = Object.freeze({ name: undefined, variables: undefined });

/** What the quick check reads from the full checker, so both use one catalogue, branch, settings and caches. */
export interface QuickCheckContext {
  readonly branch: string;
  readonly settings: LanguageSettings;
  actionDoc(name: string): ActionDoc | undefined;
  /** Undefined when the `@expect` text has no finding. */
  expectationIssue(text: string): unknown;
}

/** A header's name and where its value lies, reused from block to block; the value is cut only when read. */
class HeaderPair {
  name = '';
  text = '';
  start = 0;
  end = 0;

  /** Read by the danger rules for the few headers they look at. */
  get value(): string {
    return this.text.slice(this.start, this.end);
  }
}

/** What a header name, as written, is to one action in one branch (see ActionRules). */
interface HeaderRule {
  /** Index of its parameter in the action's docs (for the per-block stamps), or -1 for a header any action takes. */
  readonly slot: number;
  /** False when giving it again is a finding (an exact name that is not repeatable). */
  readonly mayRepeat: boolean;
  /** Its closed list of values, if any. */
  readonly allowed: readonly string[] | undefined;
  /** Its bit among the action's required parameters, or 0. */
  readonly requiredBit: number;
}

/** A header the full check must look at (unknown, misspelt, not in the branch, or one with its own checks). */
const REJECT: HeaderRule = Object.freeze({ slot: -1, mayRepeat: false, allowed: undefined, requiredBit: 0 });
/** A header a free-form action takes. */
const ANY_HEADER: HeaderRule = Object.freeze({ slot: -1, mayRepeat: true, allowed: undefined, requiredBit: 0 });

/** Required parameters past this many leave the action to the full check (the bits are one 32-bit mask). */
const MAX_REQUIRED_BITS = 30;

/** Stamps of the blocks checked; shared by every rule set so a parameter seen in an earlier block never counts. */
let blockStamp = 0;

/**
 * The header checks of diagnostics.ts (checkHeaders, checkValue, checkRequired) for one action in one branch,
 * worked out once per header name as written: a block's header then costs one lookup.
 */
class ActionRules {
  private readonly rules = new Map<string, HeaderRule>();
  /** Stamp of the block in which each parameter was last given. */
  private readonly seen: Int32Array;
  private readonly requiredBits = new Map<ParamDoc, number>();
  /** All required bits; -1 when the action has too many required parameters for the quick check. */
  readonly requiredMask: number;
  /** True when no block of this action is dangerous, whatever its headers (no assessDanger per block). */
  readonly neverDangerous: boolean;
  private readonly freeForm: boolean;

  constructor(
    private readonly doc: ActionDoc,
    private readonly branch: string,
  ) {
    this.seen = new Int32Array(doc.params.length);
    this.freeForm = FREE_FORM_ACTIONS.has(lowerCaseName(doc.name));
    this.neverDangerous = !dangerReadsHeaders(doc.name) && !assessDanger(doc.name, []).dangerous;
    let mask = 0;
    let bits = 0;
    for (const param of doc.params) {
      if (!param.required || (param.branches && !param.branches.includes(branch))) continue;
      if (bits === MAX_REQUIRED_BITS) {
        mask = -1;
        break;
      }
      const bit = 1 << bits++;
      this.requiredBits.set(param, bit);
      mask |= bit;
    }
    this.requiredMask = mask;
  }

  /** The rule for the header `name` (as written, not the action's own `Action:`). */
  rule(name: string): HeaderRule {
    let rule = this.rules.get(name);
    if (rule === undefined) {
      rule = this.ruleFor(name);
      // Kept for the process's lifetime: its own copy, not a view that would keep the document's text alive.
      if (this.rules.size < 4096) this.rules.set(ownCopy(name), rule);
    }
    return rule;
  }

  private ruleFor(name: string): HeaderRule {
    const lower = lowerCaseName(name);
    // A second Action:, ActionID (unique across the file), Secret and Key have their own checks.
    if (lower === 'action' || lower === 'actionid' || lower === 'secret' || lower === 'key') return REJECT;
    const found = findParam(this.doc, name, this.branch);
    if (!found) return this.freeForm || UNIVERSAL_HEADERS.has(lower) ? ANY_HEADER : REJECT;
    const { param, exact } = found;
    if (exact && param.name !== name) return REJECT;
    if (param.branches && !param.branches.includes(this.branch)) return REJECT;
    const slot = this.doc.params.indexOf(param);
    if (slot === -1) return REJECT;
    return { slot, mayRepeat: !exact || param.repeatable === true, allowed: closedEnum(this.doc, param), requiredBit: this.requiredBits.get(param) ?? 0 };
  }

  /** True when the headers after the action's own (from index 1) give no finding and every required one. */
  passes(headers: readonly HeaderPair[]): boolean {
    const stamp = ++blockStamp;
    const seen = this.seen;
    let required = 0;
    for (let index = 1; index < headers.length; index++) {
      const header = headers[index];
      const rule = this.rule(header.name);
      if (rule === REJECT) return false;
      const slot = rule.slot;
      if (slot !== -1) {
        if (seen[slot] === stamp) {
          if (!rule.mayRepeat) return false;
        } else {
          seen[slot] = stamp;
          if (rule.requiredBit !== 0) {
            // Given empty: a finding.
            if (header.start === header.end) return false;
            required |= rule.requiredBit;
          }
        }
      }
      const allowed = rule.allowed;
      if (allowed !== undefined && header.start !== header.end) {
        const value = header.value;
        if (!value.includes('{{') && !valueAccepted(allowed, value)) return false;
      }
    }
    return required === this.requiredMask;
  }
}

/** Rule sets by action doc and branch (the catalogue's docs live as long as the process). */
const actionRules = new WeakMap<ActionDoc, Map<string, ActionRules>>();

function rulesOf(doc: ActionDoc, branch: string): ActionRules {
  let byBranch = actionRules.get(doc);
  if (!byBranch) actionRules.set(doc, (byBranch = new Map<string, ActionRules>()));
  let rules = byBranch.get(branch);
  if (!rules) byBranch.set(branch, (rules = new ActionRules(doc, branch)));
  return rules;
}

/** Distinct actions whose rules one check remembers. */
const MAX_REMEMBERED_ACTIONS = 1_024;

export class QuickChecker {
  private readonly pairs: HeaderPair[] = [];
  private readonly headers: HeaderPair[] = [];

  constructor(private readonly context: QuickCheckContext) {}

  /** The verdict on `block` (lines `records` of `text`), or undefined when the full check must look at it. */
  verdict(block: Block, records: Readonly<LineRecords>, text: string): QuickVerdict | undefined {
    const action = block.action;
    // No action, or an empty one: the full check says what is missing.
    if (action === undefined || action === '') return undefined;
    // An action given by a variable is not checked against the catalogue (nor are its headers).
    const rules = action.includes('{{') ? undefined : this.rulesFor(action);
    if (rules === null) return undefined;
    const { kinds, offsets, count } = records;
    // Reused: cut to this block's count at the end, never emptied (an empty array drops its storage, and every
    // block would grow a new one).
    const headers = this.headers;
    let headerCount = 0;
    let name: string | undefined;
    let names = 0;
    this.leftCount = 0;
    for (let at = 0; at < count; at++) {
      const kind = kinds[at];
      if (kind === LINE_COMMENT) continue;
      const slot = at * RECORD_STRIDE;
      const start = offsets[slot + 1];
      const end = offsets[slot + 2];
      if (kind === LINE_HEADER) {
        const colon = offsets[slot + 3];
        const valueStart = offsets[slot + 4];
        const valueEnd = offsets[slot + 5];
        // As sent, `Name: value`: the full check measures its UTF-8 bytes when it may be too long.
        if ((colon - start + 2 + valueEnd - valueStart) * 3 > MAX_LINE_BYTES) return undefined;
        const header = internedName(text, start, colon);
        if (rules === undefined && headerCount > 0) {
          // Without the action's rules, the checks every block gets: ActionID, Secret and Key.
          const lower = lowerCaseName(header);
          if (lower === 'actionid' || lower === 'secret' || lower === 'key') return undefined;
        }
        const pair = this.headerPair(headerCount);
        pair.name = header;
        pair.text = text;
        pair.start = valueStart;
        pair.end = valueEnd;
        if (headerCount < headers.length) headers[headerCount] = pair;
        else headers.push(pair);
        headerCount++;
        if (!this.variablesPass(text, valueStart, valueEnd)) return undefined;
      } else if (kind === LINE_DIRECTIVE) {
        if (lowerCaseName(internedName(text, offsets[slot + 3], offsets[slot + 4])) !== 'name') continue;
        name = text.slice(offsets[slot + 5], end);
        if (++names > 1 || !BLOCK_NAME.test(name)) return undefined;
        continue;
      } else if (kind === LINE_EXPECT) {
        const textStart = offsets[slot + 3];
        if (this.context.expectationIssue(text.slice(textStart, end)) !== undefined) return undefined;
        if (!this.variablesPass(text, textStart, end)) return undefined;
      } else {
        // An invalid line (or anything else): reported by the full check.
        return undefined;
      }
    }
    // A block with an action has its header (the first).
    headers.length = headerCount;
    // With the ActionID the runner adds.
    if (headerCount + 1 > MAX_HEADERS) return undefined;
    if (rules !== undefined && ((!rules.neverDangerous && assessDanger(action, headers).dangerous) || !rules.passes(headers))) return undefined;
    const variables = this.leftCount === 0 ? undefined : this.left.slice(0, this.leftCount);
    return name === undefined && variables === undefined ? CLEAN : { name, variables };
  }

  /** A reusable pair for the header at `index`. */
  private headerPair(index: number): HeaderPair {
    if (index === this.pairs.length) this.pairs.push(new HeaderPair());
    return this.pairs[index];
  }

  /** The next `{{` in the text at or after where the last search began (-1: none), or -2 before the first search. */
  private nextBraces = -2;
  private searchedFrom = 0;
  private readonly scan = new VariableScan();
  /** Names of the block's references left to settle (see variableLeft), the first `leftCount` of them. */
  private readonly left: string[] = [];
  private leftCount = 0;

  /**
   * False when a reference in `text[from, to)` needs the full check; the ones left to settle are added to `left`.
   * No search in the many lines before the next `{{` of the text: one native search serves every line up to it
   * (lines come in text order; an earlier line starts the search again).
   */
  private variablesPass(text: string, from: number, to: number): boolean {
    if (from < this.searchedFrom) this.nextBraces = -2;
    if (this.nextBraces !== -1 && this.nextBraces < from) {
      this.nextBraces = text.indexOf('{{', from);
      this.searchedFrom = from;
    }
    if (this.nextBraces === -1 || this.nextBraces + 2 > to) return true;
    const scan = this.scan;
    scan.reset(text, from, to);
    while (scan.next()) {
      const left = scan.closed ? this.variableLeft(text.slice(scan.nameStart, scan.nameEnd)) : false;
      if (left === false) return false;
      if (left === true) continue;
      if (this.leftCount < this.left.length) this.left[this.leftCount] = left;
      else this.left.push(left);
      this.leftCount++;
    }
    return true;
  }

  /**
   * For the closed reference `{{name}}`: true when it resolves whatever came before, the name when that depends on
   * what came before, false when the full check must look at it.
   */
  private variableLeft(name: string): string | boolean {
    if (name === '') return false;
    if (name.startsWith('$')) return builtinProblem(name) === undefined;
    const value = profileValue(this.context.settings, name);
    if (value !== undefined && !isUnsafeValue(value)) return true;
    return name;
  }

  /** rulesFor's answers by action as written: a file repeats its few actions, block after block. */
  private readonly rulesByAction = new Map<string, ActionRules | null>();

  /** The rules of `action` when checkAction finds nothing in the action itself, else null. */
  private rulesFor(action: string): ActionRules | null {
    let rules = this.rulesByAction.get(action);
    if (rules === undefined) {
      rules = this.findRules(action);
      // Bounded: a file of made-up actions must not grow it without end.
      if (this.rulesByAction.size < MAX_REMEMBERED_ACTIONS) this.rulesByAction.set(action, rules);
    }
    return rules;
  }

  private findRules(action: string): ActionRules | null {
    const { branch, settings } = this.context;
    const doc = this.context.actionDoc(action);
    if (!doc || doc.name !== action) return null;
    const lower = lowerCaseName(action);
    if (CONNECTION_ACTIONS.has(lower) || !doc.branches.includes(branch)) return null;
    if (settings.allowedActions && !settings.allowedActions.has(lower)) return null;
    const rules = rulesOf(doc, branch);
    return rules.requiredMask === -1 ? null : rules;
  }
}
