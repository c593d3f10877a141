/**
 * Values from the connected Asterisk in the editor: which headers take live values, their completion items
 * ("live · Up · 00:42 · Wait"), their hover, and information-level diagnostics (a context or extension the
 * server does not have, a channel that is not live). The catalogue decides which header takes which kind of
 * value; the live index only supplies values.
 */
import { CompletionItemKind, DiagnosticSeverity, MarkupKind, type CompletionItem, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { Catalogue } from '../catalogue/index';
import type { LiveIndex } from '../live/liveIndex';
import { formatAge, type LiveKind, type LiveValue } from '../live/types';
import type { Block } from '../script/types';
import { LiveDiagnosticCode } from './diagnosticCodes';
import { ownValue } from '../text/ownKeys';

export { LiveDiagnosticCode };

/** A header that takes live values: the kind, and where its scope comes from in the block. */
export interface LiveHeaderKind {
  kind: LiveKind;
  /** Headers of the block whose values form the scope (Exten → Context; Priority → Context and Exten). */
  scopeHeaders?: string[];
}

// Header name → kind. A rule applies only when the action documents the header (catalogue), and not for the
// actions listed in `except` (where the catalogue describes another kind of value: a dial string, a new name).
const RULES: Record<string, { kind: LiveKind; scopeHeaders?: string[]; except?: RegExp; only?: RegExp }> = {
  channel: { kind: 'channel', except: /^(originate|sipnotify|pjsipnotify)$/ },
  channel1: { kind: 'channel' },
  channel2: { kind: 'channel' },
  extrachannel: { kind: 'channel' },
  context: { kind: 'context', except: /^voicemail/ },
  extracontext: { kind: 'context' },
  exten: { kind: 'exten', scopeHeaders: ['Context'] },
  extension: { kind: 'exten', scopeHeaders: ['Context'], except: /^dialplanextensionadd$/ },
  extraexten: { kind: 'exten', scopeHeaders: ['ExtraContext'] },
  priority: { kind: 'priority', scopeHeaders: ['Context', 'Exten'], except: /^(queuechangeprioritycaller|dialplanextensionadd)$/ },
  extrapriority: { kind: 'priority', scopeHeaders: ['ExtraContext', 'ExtraExten'] },
  queue: { kind: 'queue' },
  interface: { kind: 'member', scopeHeaders: ['Queue'] },
  member: { kind: 'member' },
  application: { kind: 'application', only: /^originate$/ },
  variable: { kind: 'variable', only: /^(getvar|setvar)$/ },
  bridgeuniqueid: { kind: 'bridge' },
  conference: { kind: 'conference', only: /^confbridge/ },
  parkinglot: { kind: 'parkinglot' },
  mailbox: { kind: 'mailbox' },
};

/** Actions whose channel diagnostics would be wrong: they accept a prefix or a /regex/ of a channel name. */
const CHANNEL_PREFIX_ACTIONS = /^(confbridgekick|confbridgemute|confbridgeunmute|confbridgesetsinglevideosrc)$/;

/** The live kind a header of an action takes, when the catalogue documents that header for the action. */
export function liveHeaderKind(catalogue: Catalogue, actionName: string | undefined, headerName: string): LiveHeaderKind | undefined {
  if (!actionName) return undefined;
  const rule = ownValue(RULES, headerName.toLowerCase());
  if (!rule) return undefined;
  const action = catalogue.action(actionName);
  const lowerAction = actionName.toLowerCase();
  if (!action || rule.except?.test(lowerAction) || (rule.only && !rule.only.test(lowerAction))) return undefined;
  const header = headerName.toLowerCase();
  if (!action.params.some((param) => param.name.toLowerCase() === header)) return undefined;
  return { kind: rule.kind, scopeHeaders: rule.scopeHeaders };
}

/** The scope of a header from the block's other headers (undefined when a scope header is missing or templated). */
export function scopeOf(block: Block | undefined, kind: LiveHeaderKind): string | undefined {
  if (!kind.scopeHeaders || !block) return undefined;
  const parts: string[] = [];
  for (const name of kind.scopeHeaders) {
    const header = block.headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
    const value = header?.value.trim();
    if (!value || value.includes('{{')) return undefined;
    parts.push(value);
  }
  return parts.join('/');
}

/** The detail line of a live item: `live · Up · 00:42 · Wait(30)`. */
export function liveDetail(value: LiveValue, now: number, connection?: string): string {
  const parts = [connection ? `live on ${connection}` : 'live'];
  if (value.state) parts.push(value.state);
  if (value.since !== undefined) parts.push(formatAge(now - value.since));
  if (value.app) parts.push(value.app);
  return parts.join(' · ');
}

/** The hover text of a live value. */
export function liveMarkdown(value: LiveValue, now: number, connection?: string): string {
  const title = `**${escapeMarkdown(value.value)}** — ${kindLabel(value.kind)}${value.scope ? ` in \`${value.scope}\`` : ''}`;
  const lines = [title, '', `_${escapeMarkdown(liveDetail(value, now, connection))}_`];
  if (value.facts && value.facts.length > 0) {
    lines.push('');
    for (const [label, text] of value.facts) lines.push(`- ${escapeMarkdown(label)}: \`${text.replace(/`/g, "'")}\``);
  }
  return lines.join('\n');
}

function kindLabel(kind: LiveKind): string {
  const labels: Record<LiveKind, string> = {
    channel: 'live channel', context: 'dialplan context', exten: 'extension', priority: 'priority', queue: 'queue', member: 'queue member',
    application: 'loaded application', variable: 'channel variable', bridge: 'bridge', conference: 'conference', parkinglot: 'parking lot',
    parked: 'parked call', mailbox: 'mailbox',
  };
  return labels[kind];
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}

/** At most this many live items in one completion answer; more make the list incomplete (the editor asks again as the user types). */
export const MAX_LIVE_ITEMS = 200;
/** Up to this many items carry their hover text as documentation (beyond, the detail line and hover suffice). */
const DOCUMENTED_ITEMS = 50;

const collator = new Intl.Collator('en', { numeric: true });
const byNewest = (a: LiveValue, b: LiveValue): number => (b.since ?? 0) - (a.since ?? 0);
/** Natural order (`ext2` before `ext10`), dialplan patterns (`_X.`) after the plain values. */
const byName = (a: LiveValue, b: LiveValue): number => {
  const pattern = Number(a.value.startsWith('_')) - Number(b.value.startsWith('_'));
  return pattern !== 0 ? pattern : collator.compare(a.value, b.value);
};

/** Live completion items, and whether values were left out (then the answer must be marked incomplete). */
export interface LiveCompletion {
  items: CompletionItem[];
  incomplete: boolean;
}

/**
 * Completion items for a live header, best first (channels newest first, others in natural order). With more
 * than MAX_LIVE_ITEMS values, only those containing `typed` (any case) are offered, at most MAX_LIVE_ITEMS, and
 * the answer is incomplete. Values the catalogue items also offer (applications) are returned too: the caller
 * merges them.
 */
export function liveCompletionItems(index: LiveIndex, kind: LiveHeaderKind, block: Block | undefined, range: Range, now: number, typed = ''): LiveCompletion {
  const scope = scopeOf(block, kind);
  const scoped = kind.scopeHeaders !== undefined && scope !== undefined;
  let values = index.sorted(kind.kind, scoped ? scope : undefined, kind.kind === 'channel' ? byNewest : byName);
  // Without a scope (no Context yet), one item per distinct value.
  if (kind.scopeHeaders && !scoped) {
    const seen = new Set<string>();
    values = values.filter((value) => !seen.has(value.value) && (seen.add(value.value), true));
  }
  let incomplete = false;
  if (values.length > MAX_LIVE_ITEMS) {
    const needle = typed.trim().toLowerCase();
    const matching = needle ? values.filter((value) => value.value.toLowerCase().includes(needle)) : values;
    incomplete = matching.length > MAX_LIVE_ITEMS || needle !== '';
    values = matching.slice(0, MAX_LIVE_ITEMS);
  }
  const documented = values.length <= DOCUMENTED_ITEMS;
  const itemKind = kind.kind === 'channel' || kind.kind === 'variable' ? CompletionItemKind.Variable : CompletionItemKind.Value;
  const items: CompletionItem[] = values.map((value, position) => {
    const mark = liveDetail(value, now);
    return {
      label: value.value,
      // Shown on every row by VS Code: the "live · Up · 00:42 · Wait" mark.
      labelDetails: { description: mark },
      kind: itemKind,
      detail: index.connection ? liveDetail(value, now, index.connection) : mark,
      documentation: documented ? { kind: MarkupKind.Markdown, value: liveMarkdown(value, now, index.connection) } : undefined,
      sortText: `!${String(position).padStart(5, '0')}`,
      // The typed text filters here already: without filterText the editor would filter the values out again by prefix.
      filterText: incomplete ? `${typed}${value.value}` : undefined,
      textEdit: { range, newText: value.value },
    };
  });
  const dropped = index.dropped[kind.kind] ?? 0;
  if (dropped > 0 && items.length > 0) items[items.length - 1].detail += ` (${dropped} more not kept: cap reached)`;
  return { items, incomplete };
}

/** The live value a header's value names, for hover. */
export function liveValueAt(index: LiveIndex, kind: LiveHeaderKind, block: Block | undefined, value: string): LiveValue | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  const scope = scopeOf(block, kind);
  if (kind.scopeHeaders && scope !== undefined) return index.get(kind.kind, trimmed, scope) ?? index.find(kind.kind, trimmed);
  return index.get(kind.kind, trimmed) ?? index.find(kind.kind, trimmed);
}

/**
 * Information diagnostics of one block against the live server: Originate/Redirect to a context or extension the
 * server does not have, a Channel that is not live. Only kinds the client fetched in full are checked, and values
 * with `{{variables}}` never.
 */
export function liveDiagnostics(block: Block, index: LiveIndex, catalogue: Catalogue): Diagnostic[] {
  const action = block.action;
  if (!action) return [];
  const diagnostics: Diagnostic[] = [];
  const where = index.connection ? `the connected server (${index.connection})` : 'the connected server';
  const note = 'This is only information: ignore it if the file is meant for another server, or turn these checks off with "ami.live.diagnostics".';
  for (const header of block.headers) {
    const value = header.value.trim();
    if (!value || value.includes('{{')) continue;
    const kind = liveHeaderKind(catalogue, action, header.name);
    if (!kind) continue;
    const add = (code: string, message: string): void => {
      diagnostics.push({ range: header.valueRange, severity: DiagnosticSeverity.Information, code, source: 'ami-live', message: `${message} ${note}` });
    };
    if (kind.kind === 'context' && index.isComplete('context') && !index.get('context', value)) {
      add(LiveDiagnosticCode.unknownContext, `Context "${value}" does not exist on ${where}.`);
    } else if (kind.kind === 'exten' && index.isComplete('exten')) {
      const context = scopeOf(block, kind);
      if (context === undefined || !index.get('context', context)) continue;
      if (!index.get('exten', value, context) && !index.values('exten', context).some((entry) => matchesPattern(entry.value, value))) {
        add(LiveDiagnosticCode.unknownExten, `Extension "${value}" does not exist in context "${context}" on ${where}.`);
      }
    } else if (kind.kind === 'channel' && index.isComplete('channel') && !CHANNEL_PREFIX_ACTIONS.test(action.toLowerCase())) {
      if (value.startsWith('/') || value.toLowerCase() === 'all') continue; // a /regex/ (Hangup) or "all"
      if (!index.get('channel', value)) add(LiveDiagnosticCode.channelNotLive, `Channel "${value}" is not live on ${where}.`);
    }
  }
  return diagnostics;
}

/**
 * True when the dialplan extension `pattern` (`_X.`, `_NXX`, `_[1-5]!`) matches `exten`; a plain extension
 * matches only itself.
 */
export function matchesPattern(pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten;
  let source = '^';
  const body = pattern.slice(1).split('/')[0];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const upper = c.toUpperCase();
    if (upper === 'X') source += '[0-9]';
    else if (upper === 'Z') source += '[1-9]';
    else if (upper === 'N') source += '[2-9]';
    else if (c === '.') return new RegExp(`${source}.+$`).test(exten);
    else if (c === '!') return new RegExp(`${source}.*$`).test(exten);
    else if (c === '[') {
      const close = body.indexOf(']', i);
      if (close === -1) return false;
      source += `[${body.slice(i + 1, close).replace(/[\\^\]]/g, '\\$&')}]`;
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`).test(exten);
}
