/**
 * What the connected editor can take, read once from `initialize`: the server shapes every answer to it, so that
 * Neovim, Helix or Emacs get plain text where they cannot expand snippets or render Markdown.
 */
import type { InitializeParams } from 'vscode-languageserver/node';

/** The client's abilities that change what the server sends. */
export interface ClientFeatures {
  /** `completionItem.snippetSupport`: snippet syntax (`${1:x}`) is expanded. */
  snippets: boolean;
  /** `completionItem.documentationFormat` lists Markdown. */
  completionMarkdown: boolean;
  /** `hover.contentFormat` lists Markdown. */
  hoverMarkdown: boolean;
  /** `completionItem.tagSupport` lists Deprecated (1): items of another branch are struck through. */
  deprecatedTag: boolean;
  /** `completionItem.deprecatedSupport`: the older `deprecated: true` property, for clients without tags. */
  deprecatedProperty: boolean;
  /** Item properties the client fetches with completionItem/resolve (`resolveSupport.properties`). */
  resolvable: ReadonlySet<string>;
  /** `completionList.itemDefaults`: fields that may be given once for the whole list. */
  itemDefaults: ReadonlySet<string>;
  /** `definition.linkSupport`: answers may be LocationLinks (name range plus the whole block as target range). */
  definitionLinks: boolean;
  /**
   * Client-side commands the client can run from a completion item, from `initializationOptions.clientCommands`
   * (the VS Code client names `editor.action.triggerSuggest`; LSP has no capability for this).
   */
  commands: ReadonlySet<string>;
}

/** A client that announced nothing: plain text, no snippets, no resolve, no links. */
export const minimalClientFeatures: ClientFeatures = {
  snippets: false,
  completionMarkdown: false,
  hoverMarkdown: false,
  deprecatedTag: false,
  deprecatedProperty: false,
  resolvable: new Set(),
  itemDefaults: new Set(),
  definitionLinks: false,
  commands: new Set(),
};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

/**
 * The features of the client that sent `params`. A missing format list means plain text (LSP lets a server send
 * Markdown only to a client that names it).
 */
export function clientFeaturesOf(params: InitializeParams): ClientFeatures {
  const textDocument = params.capabilities?.textDocument;
  const completion = textDocument?.completion;
  const item = completion?.completionItem;
  const options: unknown = params.initializationOptions;
  const commands =
    typeof options === 'object' && options !== null ? strings((options as Record<string, unknown>).clientCommands) : [];
  return {
    snippets: item?.snippetSupport === true,
    completionMarkdown: strings(item?.documentationFormat).includes('markdown'),
    hoverMarkdown: strings(textDocument?.hover?.contentFormat).includes('markdown'),
    deprecatedTag: Array.isArray(item?.tagSupport?.valueSet) && item.tagSupport.valueSet.includes(1),
    deprecatedProperty: item?.deprecatedSupport === true,
    resolvable: new Set(strings(item?.resolveSupport?.properties)),
    itemDefaults: new Set(strings(completion?.completionList?.itemDefaults)),
    definitionLinks: textDocument?.definition?.linkSupport === true,
    commands: new Set(commands),
  };
}
