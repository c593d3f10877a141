/**
 * One parse per document version, shared by every reader of the document: the language features in the server,
 * and CodeLens, run commands and result marks in the extension host. Keyed by the document object, which
 * vscode-languageserver-textdocument and VS Code both keep for as long as the document is open.
 */
import { parseScript } from './parser';
import type { Script } from './types';

/** What the cache needs of a document: an LSP TextDocument and a vscode.TextDocument both fit. */
export interface VersionedText {
  readonly version: number;
  getText(): string;
}

interface CachedScript {
  version: number;
  script: Script;
}

const scriptCache = new WeakMap<VersionedText, CachedScript>();

/** The whole document parsed, cached per document version. */
export function getScript(document: VersionedText): Script {
  const cached = scriptCache.get(document);
  if (cached && cached.version === document.version) return cached.script;
  const script = parseScript(document.getText());
  scriptCache.set(document, { version: document.version, script });
  return script;
}

/** Caches `script`, parsed elsewhere (in steps) from the document's current text, as the parse of its version. */
export function setScript(document: VersionedText, script: Script): void {
  scriptCache.set(document, { version: document.version, script });
}

/**
 * The cached parse when it is for the current version, without parsing. A parse of an older version is
 * dropped here: while the user types, nothing reparses until the diagnostics run, and the stale tree of a large
 * file (with the old text its strings point into) would stay in memory until then.
 */
export function peekScript(document: VersionedText): Script | undefined {
  const cached = scriptCache.get(document);
  if (!cached) return undefined;
  if (cached.version === document.version) return cached.script;
  scriptCache.delete(document);
  return undefined;
}
