/**
 * The language server's copy of the live values: deltas from the client applied to one map per kind, read by
 * completion, hover and the information diagnostics. Bounded by what the client sends (its model is capped) and
 * by a cap of its own against a client that sends too much.
 */
import { LIVE_KINDS, liveKey, type LiveKind, type LiveValue, type LiveValuesDelta } from './types';

/** Values per kind the index keeps at most (beyond the client's caps, against a misbehaving client). */
export const LIVE_INDEX_CAP_PER_KIND = 100_000;

/** Live values by kind, with what is known to be complete. */
export class LiveIndex {
  private readonly byKind = new Map<LiveKind, Map<string, LiveValue>>();
  private complete = new Set<LiveKind>();
  /** Values the client (or this index) did not keep, per kind. */
  dropped: Partial<Record<LiveKind, number>> = {};
  /** The connection these values come from (for messages). */
  connection: string | undefined;
  /** Bumped on every applied delta: caches of derived lists compare it. */
  revision = 0;
  private sortedCache = new Map<string, LiveValue[]>();
  private sortedRevision = -1;

  constructor() {
    for (const kind of LIVE_KINDS) this.byKind.set(kind, new Map());
  }

  /** True when any value is known. */
  get isEmpty(): boolean {
    for (const values of this.byKind.values()) if (values.size > 0) return false;
    return true;
  }

  /** Applies one delta. Bad entries (wrong types) are skipped and counted as dropped. */
  apply(delta: LiveValuesDelta): void {
    this.revision++;
    if (delta.reset) {
      for (const values of this.byKind.values()) values.clear();
      this.complete = new Set();
      this.dropped = {};
    }
    if (delta.connection !== undefined) this.connection = delta.connection ?? undefined;
    if (Array.isArray(delta.complete)) this.complete = new Set(delta.complete.filter((kind) => this.byKind.has(kind)));
    if (delta.dropped && typeof delta.dropped === 'object') this.dropped = { ...delta.dropped };
    for (const key of delta.remove ?? []) {
      this.byKind.get(key?.kind)?.delete(liveKey(key.kind, String(key.value), key.scope ?? ''));
    }
    for (const value of delta.upsert ?? []) {
      const values = this.byKind.get(value?.kind);
      if (!values || typeof value.value !== 'string') continue;
      const key = liveKey(value.kind, value.value, value.scope ?? '');
      if (!values.has(key) && values.size >= LIVE_INDEX_CAP_PER_KIND) {
        this.dropped[value.kind] = (this.dropped[value.kind] ?? 0) + 1;
        continue;
      }
      values.set(key, value);
    }
  }

  /** Forgets everything (disconnect). */
  clear(): void {
    this.apply({ reset: true, connection: null });
  }

  /** True when the client fetched this kind in full: then a missing value is really missing. */
  isComplete(kind: LiveKind): boolean {
    return this.complete.has(kind);
  }

  /** Number of values of a kind. */
  count(kind: LiveKind): number {
    return this.byKind.get(kind)?.size ?? 0;
  }

  /** Values of a kind; with `scope`, only those of that scope (an exten's context, a member's queue). */
  values(kind: LiveKind, scope?: string): LiveValue[] {
    const values = this.byKind.get(kind);
    if (!values) return [];
    const all = [...values.values()];
    return scope === undefined ? all : all.filter((value) => (value.scope ?? '') === scope);
  }

  /**
   * Values of a kind (and scope) in `compare` order, cached until the next delta: completion after an edit
   * reuses the sorted list instead of sorting a thousand channels per keystroke. Do not modify the array.
   */
  sorted(kind: LiveKind, scope: string | undefined, compare: (a: LiveValue, b: LiveValue) => number): readonly LiveValue[] {
    if (this.sortedRevision !== this.revision) {
      this.sortedCache = new Map();
      this.sortedRevision = this.revision;
    }
    const key = `${kind}\u0000${scope ?? '\u0001'}`;
    let sorted = this.sortedCache.get(key);
    if (!sorted) {
      sorted = this.values(kind, scope).sort(compare);
      this.sortedCache.set(key, sorted);
    }
    return sorted;
  }

  /** One value by kind, value and (when the kind has scopes) scope; case-sensitive like Asterisk. */
  get(kind: LiveKind, value: string, scope = ''): LiveValue | undefined {
    return this.byKind.get(kind)?.get(liveKey(kind, value, scope));
  }

  /** Any value of a kind with this value, whatever its scope. */
  find(kind: LiveKind, value: string): LiveValue | undefined {
    for (const entry of this.byKind.get(kind)?.values() ?? []) if (entry.value === value) return entry;
    return undefined;
  }
}
