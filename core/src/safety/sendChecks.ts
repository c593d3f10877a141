/**
 * What a command line must refuse before it sends a script (the editor shows the same as diagnostics):
 * a lone CR (it hides lines), a secret written in the file (sent in plain text even with an MD5 login),
 * Login/Challenge blocks (they bypass the connection's own login), and dangerous actions unless allowed.
 */
import type { Block, Script } from '../script/types';
import { assessDanger } from './dangerous';

/** Actions that would log in again behind the connection's back. */
const LOGIN_ACTIONS = new Set(['login', 'challenge']);
/** Actions whose documented `Key` header is not a secret (DBGet Key: family key...). */
const KEY_IS_NOT_SECRET = new Set(['dbget', 'dbput', 'dbdel', 'dbdeltree', 'dbgettree']);

/** One reason not to send a file, with its one-based line. */
export interface SendRefusal {
  line: number;
  message: string;
}

/** One-based line numbers of every lone CR (a CR not followed by LF). */
export function bareCrLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 10) line++;
    else if (code === 13) {
      if (text.charCodeAt(k + 1) === 10) continue;
      lines.push(line);
      // The editor and the parser treat it as a line end.
      line++;
    }
  }
  return lines;
}

/** Refusals for a script's text and its parse: bare CRs, secrets in the file, Login/Challenge blocks. */
export function sendRefusals(text: string, script: Script): SendRefusal[] {
  const refusals: SendRefusal[] = [];
  const crs = bareCrLines(text);
  if (crs.length > 0) {
    refusals.push({
      line: crs[0],
      message: `a lone carriage return (CR) ${crs.length === 1 ? 'is' : `is on ${crs.length} lines, the first`} here: it splits a line where a terminal or a diff shows none, so it can hide what is sent. Save the file with LF or CR LF line ends (ami-bare-cr)`,
    });
  }
  for (const block of script.blocks) {
    const action = (block.action ?? '').trim().toLowerCase();
    if (LOGIN_ACTIONS.has(action)) {
      refusals.push({
        line: (block.actionHeader?.range.start.line ?? block.range.start.line) + 1,
        message: `a ${block.action} block would log in again, around the connection's own login (its user, --md5, TLS checks): remove the block; the command logs in with AMI_SECRET (ami-connection-action)`,
      });
    }
    for (const header of block.headers) {
      const name = header.name.trim().toLowerCase();
      if (name === 'secret' || (name === 'key' && !KEY_IS_NOT_SECRET.has(action))) {
        refusals.push({
          line: header.range.start.line + 1,
          message: `\`${header.name}:\` writes a secret in the file, and it would cross the wire in plain text even with --md5: remove the line (ami-secret-in-file)`,
        });
      }
    }
  }
  return refusals.sort((a, b) => a.line - b.line);
}

/** Why a block (as it will be sent) is dangerous, or undefined. */
export function dangerOf(headers: ReadonlyArray<readonly [string, string]>): string | undefined {
  const action = headers.find(([name]) => name.trim().toLowerCase() === 'action')?.[1].trim() ?? '';
  const danger = assessDanger(action, headers);
  return danger.dangerous ? danger.reason ?? `${action} is dangerous` : undefined;
}

/** The dangerous blocks of a script as written (before variables), with their reasons. */
export function dangerousBlocks(script: Script): Array<{ block: Block; line: number; reason: string }> {
  const found: Array<{ block: Block; line: number; reason: string }> = [];
  for (const block of script.blocks) {
    if (!block.action) continue;
    const reason = dangerOf(block.headers.map((h) => [h.name, h.value] as [string, string]));
    if (reason) found.push({ block, line: (block.actionHeader?.range.start.line ?? block.range.start.line) + 1, reason });
  }
  return found;
}
