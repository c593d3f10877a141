/**
 * Rules the full check (diagnostics.ts) and the quick check of clean blocks (quickCheck.ts) both apply: kept here
 * once, so a block the quick check passes is one the full check would pass.
 */
import { ownValue } from '../text/ownKeys';
import type { LanguageSettings } from './types';

/** Asterisk's manager input buffer holds 1024 bytes including CR LF (main/manager.c `inbuf[1025]`). */
export const MAX_LINE_BYTES = 1022;
/** Asterisk keeps at most this many headers per message (AST_MAX_MANHEADERS). */
export const MAX_HEADERS = 128;

/** Actions that take any header. */
export const FREE_FORM_ACTIONS: ReadonlySet<string> = new Set(['userevent']);
/** Actions the connection performs itself. */
export const CONNECTION_ACTIONS: ReadonlySet<string> = new Set(['login', 'challenge', 'logoff']);
/** What `# @name` accepts. */
export const BLOCK_NAME = /^[A-Za-z_][\w-]*$/;

const BUILTINS: Readonly<Record<string, 'none' | 'required'>> = { $uuid: 'none', $timestamp: 'none', $env: 'required', $prompt: 'required' };

/** What is wrong with the built-in reference `name` (which starts with `$`), or undefined when it is right. */
export function builtinProblem(name: string): string | undefined {
  const [builtin, ...rest] = name.split(/\s+/);
  const argument = BUILTINS[builtin.toLowerCase()];
  if (!argument) return `Unknown built-in "${builtin}": use {{$uuid}}, {{$timestamp}}, {{$env NAME}} or {{$prompt Label}}.`;
  if (argument === 'required' && rest.length === 0) return `${builtin} needs an argument: write {{${builtin} ${builtin === '$env' ? 'NAME' : 'Label'}}}.`;
  if (argument === 'none' && rest.length > 0) return `${builtin} takes no argument: write {{${builtin}}}.`;
  return undefined;
}

/** The connection profile's value for the variable `name`, if it has one. */
export function profileValue(settings: LanguageSettings, name: string): string | undefined {
  return ownValue(settings.profileVariables, name);
}

/** True when a substituted value would inject extra headers (a line break or NUL). */
export function isUnsafeValue(value: string): boolean {
  return /[\r\n\0]/.test(value);
}
