/**
 * Public API of the pure core: the `.ami` syntax tree and parser, the catalogue, and the language service.
 * Other parts (wire, session, run) are imported from their own folders.
 */
export * from './catalogue/index';
export type * from './script/types';
export { blockAtLine, parseBlockAt, parseScript } from './script/parser';
export type * from './language/types';
export { getBlockAt, getLanguageService, type LanguageServiceOptions } from './language/languageService';
export { RenameError } from './language/navigation';
export { blockLabel } from './language/symbols';
