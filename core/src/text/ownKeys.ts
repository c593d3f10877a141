/**
 * Lookups by a name that comes from a file or a server. A plain object finds `constructor`, `toString` and
 * `__proto__` on its prototype; these read only the object's own keys.
 */

/** `record[key]` when `record` has `key` as its own property, else undefined. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
