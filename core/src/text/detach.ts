/**
 * Keeping a document's text from outliving the document. A few caches live as long as the process, and V8
 * lets small strings and regex state point into the big string they came from.
 */

/**
 * `text` as a string of its own. V8 makes a slice of 13 or more characters a view into the string it was cut from,
 * so a slice of a document kept in a long-lived cache would keep the whole document's text alive after it closed.
 */
export function ownCopy(text: string): string {
  // The concatenation is flattened into a new string before the slice is taken: the result points into that one.
  return (' ' + text).slice(1);
}

const TINY_MATCH = /^/;

/**
 * Points V8's record of the last regex match (one per realm, read by `RegExp.$1` and `RegExp.lastMatch`) at an
 * empty string. After a parse or check it holds the document's whole text until another regex matches somewhere.
 */
export function releaseLastMatch(): void {
  TINY_MATCH.exec('');
}
