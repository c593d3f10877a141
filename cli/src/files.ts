/**
 * Reading the files a command is given, safely: only regular files (a FIFO would block forever, a device
 * like /dev/zero would never end), at most MAX_SCRIPT_BYTES, `-` for standard input, and quoted globs
 * (`ami lint 'tests/**\/*.ami'`) expanded here so they work on every shell.
 */
import { closeSync, openSync, readSync, readdirSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from './options';

/** Largest script a command reads (a script is text typed by people; a bigger file is a mistake). */
export const MAX_SCRIPT_BYTES = 8 * 1024 * 1024;

/** A file that cannot be read as a script: the message says why and what to give instead. */
export class FileError extends UsageError {}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooBig(display: string, size: number): FileError {
  return new FileError(
    `${display} is larger than ${MAX_SCRIPT_BYTES / 1024 / 1024} MiB (${size.toLocaleString('en-US')} bytes or more), the limit for a script: split it into smaller files`,
  );
}

/**
 * The bytes of a regular file of at most MAX_SCRIPT_BYTES. Throws FileError (not found, permission, not a
 * regular file, too big) with a message that names the file as the user wrote it.
 */
export function readScriptBytes(cwd: string, file: string): Buffer {
  const path = resolve(cwd, file);
  let stat: Stats;
  try {
    // stat follows symlinks: a link to /dev/zero is a character device.
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(
      code === 'ENOENT' ? `cannot read ${file}: no such file` : code === 'EACCES' ? `cannot read ${file}: permission denied` : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  if (stat.isDirectory()) throw new FileError(`${file} is a directory: give the .ami files (e.g. ${file}/*.ami)`);
  if (!stat.isFile()) throw new FileError(`${file} is ${kindOf(stat)}, not a regular file: give a .ami file, or - to read standard input`);
  if (stat.size > MAX_SCRIPT_BYTES) throw tooBig(file, stat.size);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(code === 'EACCES' ? `cannot read ${file}: permission denied` : `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    // Read at most one byte past the cap: a file that grows while read is still bounded.
    const buffer = Buffer.alloc(Math.min(MAX_SCRIPT_BYTES + 1, stat.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) break;
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_SCRIPT_BYTES) throw tooBig(file, length);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Standard input, at most MAX_SCRIPT_BYTES (then a FileError). */
export async function readStdinBytes(stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += bytes.length;
    if (length > MAX_SCRIPT_BYTES) throw tooBig('standard input', length);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** A script as text (UTF-8, BOM dropped). */
export function readScriptText(cwd: string, file: string): string {
  return new TextDecoder('utf-8').decode(readScriptBytes(cwd, file));
}

const GLOB_CHARACTERS = /[*?[]/;

function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let k = 0; k < segment.length; k++) {
    const char = segment[k];
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = segment.indexOf(']', k + 1);
      if (end < 0) source += '\\[';
      else {
        const body = segment.slice(k + 1, end).replace(/\\/g, '\\\\');
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        k = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** True when `text` has glob characters (`*`, `?`, `[`). */
export function isGlob(text: string): boolean {
  return GLOB_CHARACTERS.test(text);
}

/**
 * Expands a glob (`*`, `?`, `[abc]`, `**` for any depth) relative to `cwd`, sorted; hidden entries are only
 * matched by a pattern that starts with a dot. Paths come back as the pattern spelled them.
 */
export function expandGlob(cwd: string, pattern: string): string[] {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(/[\\/]+/).filter((segment, index) => segment !== '' || (index === 0 && absolute));
  const results = new Set<string>();
  const visit = (dir: string, shown: string, index: number, budget: { entries: number }): void => {
    if (index === segments.length) {
      results.add(shown);
      return;
    }
    const segment = segments[index];
    const child = (name: string): [string, string] => [join(dir, name), shown === '' ? name : shown === '/' ? `/${name}` : `${shown}/${name}`];
    if (segment === '**') {
      visit(dir, shown, index + 1, budget);
      for (const entry of safeReaddir(dir)) {
        if (entry.name.startsWith('.') || !entry.isDirectory() || --budget.entries < 0) continue;
        const [path, label] = child(entry.name);
        visit(path, label, index, budget);
      }
      return;
    }
    if (!isGlob(segment)) {
      const [path, label] = child(segment);
      if (index === segments.length - 1 ? exists(path) : isDirectory(path)) visit(path, label, index + 1, budget);
      return;
    }
    const matcher = segmentPattern(segment);
    for (const entry of safeReaddir(dir)) {
      if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
      if (!matcher.test(entry.name)) continue;
      const [path, label] = child(entry.name);
      if (index === segments.length - 1) {
        if (entry.isFile() || entry.isSymbolicLink()) results.add(label);
      } else if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path))) visit(path, label, index + 1, budget);
    }
  };
  if (absolute) visit('/', '/', 1, { entries: 100_000 });
  else visit(cwd, '', 0, { entries: 100_000 });
  return [...results].filter((path) => path !== '' && path !== '/').sort();
}

function safeReaddir(dir: string): import('node:fs').Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
