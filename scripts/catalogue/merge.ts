/** Merging the branches into one catalogue entry per item, and the live `manager show event` help (catalogue generator). */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionDoc, Branch, EventDoc, ParamDoc } from '../../core/src/catalogue/types';

/** Parameter text that says the header may be given more than once. */
const REPEATABLE_TEXT =
  /\bmultiple\s+\S+\s+headers?\s+(?:are|is|may be|can be)\s+(?:allowed|given|used|specified)|\b(?:may|can)\s+be\s+(?:specified|given|repeated|used)\s+(?:multiple|several|more than one)\s+times?|\bmore than once\b/i;

/**
 * Parameters whose action reads every occurrence (astman_get_variables) but whose text does not say so,
 * and UserEvent's placeholder for any number of arbitrary headers.
 */
const REPEATABLE_EXPLICIT: ReadonlyArray<readonly [action: string, param: string]> = [
  ['PJSIPNotify', 'Variable'],
  ['SIPnotify', 'Variable'],
  ['UserEvent', 'HeaderN'],
];

const CHAN_VARIABLE_DESCRIPTION =
  'A channel variable named in manager.conf `channelvars`, as `name=value`; one header per variable.';

function compareNames(a: { name: string }, b: { name: string }): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Merges one kind of item across branches (oldest first): the newest branch's text wins, `branches` lists all
 * that have it; parameters are unioned (newest order first) and carry `branches` when not in all of the parent's.
 */
export function mergeKind<T extends { name: string; branches: Branch[] }>(
  perBranch: ReadonlyArray<readonly [Branch, Map<string, T>]>,
  paramsKey: 'params' | 'fields' | undefined,
): T[] {
  const names = new Set<string>();
  for (const [, items] of perBranch) for (const name of items.keys()) names.add(name);
  const out: T[] = [];
  for (const name of names) {
    const present = perBranch.filter(([, items]) => items.has(name));
    const branches = present.map(([b]) => b);
    const newest = present[present.length - 1][1].get(name) as T;
    const item: T = { ...newest, branches };
    if (paramsKey) {
      const lists = present.map(([b, items]) => [b, ((items.get(name) as Record<string, unknown>)[paramsKey] ?? []) as ParamDoc[]] as const);
      const merged: ParamDoc[] = [];
      const seen = new Set<string>();
      for (const [, params] of [...lists].reverse()) {
        for (const p of params) {
          const key = p.name.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          const inBranches = lists.filter(([, ps]) => ps.some((q) => q.name.toLowerCase() === key)).map(([b]) => b);
          merged.push(inBranches.length === branches.length ? { ...p } : { ...p, branches: inBranches });
        }
      }
      if (merged.length > 0 || paramsKey === 'fields' || 'params' in item) {
        (item as Record<string, unknown>)[paramsKey] = merged;
      }
    }
    out.push(item);
  }
  return out.sort(compareNames);
}

export function markRepeatable(actions: ActionDoc[]): void {
  for (const action of actions) {
    for (const p of action.params) {
      const explicit = REPEATABLE_EXPLICIT.some(([a, n]) => a === action.name && n === p.name);
      if (explicit || (p.description !== undefined && REPEATABLE_TEXT.test(p.description))) p.repeatable = true;
    }
  }
}

/** Adds `<prefix>ChanVariable` to every channel snapshot block of an event (see the header comment). */
export function addChanVariables(event: EventDoc): void {
  const names = new Set(event.fields.map((f) => f.name));
  const prefixes = event.fields
    .filter((f) => f.name.endsWith('Uniqueid'))
    .map((f) => f.name.slice(0, -'Uniqueid'.length))
    .filter((prefix) => names.has(`${prefix}Linkedid`) && names.has(`${prefix}Channel`));
  for (const prefix of prefixes) {
    const name = `${prefix}ChanVariable`;
    if (names.has(name)) continue;
    const linked = event.fields.findIndex((f) => f.name === `${prefix}Linkedid`);
    const field: ParamDoc = { name, description: CHAN_VARIABLE_DESCRIPTION, repeatable: true };
    event.fields.splice(linked + 1, 0, field);
    names.add(name);
  }
}


// Live help (manager show event), merged into the event fields

/** The event name (first `Event:` line) and the field names of the [Syntax] section of a `manager show event X` response. */
export function liveEventFields(raw: string): { event: string; fields: string[] } {
  const lines = raw.split(/\r?\n/).map((l) => l.replace(/^Output: ?/, '').trim());
  const event = lines.map((l) => /^Event: (\S+)$/.exec(l)).find((m) => m !== null)?.[1] ?? '';
  const start = lines.indexOf('[Syntax]');
  if (start < 0) throw new Error(`manager show event ${event}: no [Syntax] section`);
  const fields: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '') break;
    if (line === `Event: ${event}`) continue;
    const field = /^\[?([^:\]\s]+):?\]?\s*<value>$/.exec(line);
    if (field) fields.push(field[1]);
  }
  return { event, fields };
}

/** The live help's field names per event, from `<sharedDir>/ami-captures/manager-show-event`. */
export function readLiveEvents(sharedDir: string): Map<string, string[]> {
  const dir = join(sharedDir, 'ami-captures', 'manager-show-event');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the generator needs the live event help captures`);
  const out = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt') && !f.startsWith('_')).sort()) {
    const { event, fields } = liveEventFields(readFileSync(join(dir, file), 'latin1'));
    out.set(event || file.slice(0, -4), fields);
  }
  return out;
}

/** Adds live-help field names missing from the XML of the newest branch (see the header comment). */
export function mergeLiveFields(events: EventDoc[], live: Map<string, string[]>, liveBranch: Branch): void {
  const byName = new Map(events.map((e) => [e.name.toLowerCase(), e]));
  for (const [name, fields] of live) {
    const event = byName.get(name.toLowerCase());
    if (!event || !event.branches.includes(liveBranch)) continue;
    const known = new Set(event.fields.filter((f) => !f.branches || f.branches.includes(liveBranch)).map((f) => f.name));
    for (const field of fields) {
      if (known.has(field)) continue;
      const older = event.fields.find((f) => f.name === field);
      if (older) older.branches = [...(older.branches ?? []), liveBranch];
      else event.fields.push({ name: field, branches: [liveBranch] });
      known.add(field);
    }
  }
}
