/**
 * `ami lint FILE... [--asterisk-version N] [--json] [--var NAME=VALUE]... [--hints]`: the editor's diagnostics
 * (core/src/language/diagnostics.ts) on the command line, for CI.
 * Exit code: 0 clean or only warnings, 1 if any error, 2 on bad usage or an unreadable file.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { expandGlob, isGlob, MAX_SCRIPT_BYTES, readScriptBytes, readStdinBytes } from './files';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { getCatalogue } from '../../core/src/catalogue/index';
import { computeDiagnostics } from '../../core/src/language/diagnostics';
import type { LanguageSettings } from '../../core/src/language/types';
import { UsageError, parseArgs, valueOf } from './arguments';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './process';

export const LINT_USAGE = `usage: ami lint FILE.ami... [--asterisk-version N] [--json] [--var NAME=VALUE]... [--hints]

FILE may be a quoted glob ("tests/**/*.ami"), or - to read standard input. Only regular files of at most
${MAX_SCRIPT_BYTES / 1024 / 1024} MiB are read (a FIFO or a device such as /dev/zero is refused).

Checks .ami scripts like the editor does and prints one line per finding:
  FILE:LINE:COLUMN SEVERITY CODE MESSAGE          (line and column start at 1)

Options:
  --asterisk-version N   Asterisk branch to check against: ${getCatalogue().branches.join(', ')} (default ${getCatalogue().newestBranch})
  --json                 print one JSON array of {file, range, severity, code, message};
                         range is LSP-style (0-based line and UTF-16 character)
  --var NAME=VALUE       a connection-profile variable (repeatable); once any is given, an unknown
                         {{variable}} is an error instead of a warning
  --hints                also print hints (spelling of action and header names)

Exit code: 0 no errors, 1 at least one error, 2 bad usage or a file that cannot be read.`;

type SeverityName = 'error' | 'warning' | 'information' | 'hint';

/** One finding as printed with --json. */
export interface LintFinding {
  file: string;
  range: Range;
  severity: SeverityName;
  code: string;
  message: string;
}

/** Where `ami lint` writes (process streams by default; tests may capture). */
export interface LintIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const SEVERITY_NAMES: Record<DiagnosticSeverity, SeverityName> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

function defaultIo(): LintIo {
  return { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
}

/** Decodes a file as the editor would see it: UTF-8 without BOM. Invalid UTF-8 becomes a finding, not a crash. */
function decodeScript(bytes: Uint8Array): { text: string; decodeError?: { offset: number } } {
  let text: string;
  let decodeError: { offset: number } | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
    const offset = text.indexOf('\uFFFD');
    decodeError = { offset: offset < 0 ? 0 : offset };
  }
  return { text, decodeError };
}

function existsQuietly(cwd: string, file: string): boolean {
  try {
    statSync(resolve(cwd, file));
    return true;
  } catch {
    return false;
  }
}

function parseVariables(values: readonly string[]): Record<string, string> {
  // Without a prototype: `--var __proto__=x` defines a variable like any other name.
  const variables = Object.create(null) as Record<string, string>;
  for (const pair of values) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--var takes NAME=VALUE (got "${pair}")`);
    variables[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return variables;
}

/** Control characters from the file (quoted in messages) are shown escaped so they cannot drive the terminal. */
function printable(text: string): string {
  return text.replace(/[\0-\x1F\x7F-\x9F\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Lints one text; exported for tests and other tools. */
export function lintText(file: string, text: string, settings: LanguageSettings, includeHints = false): LintFinding[] {
  const document = TextDocument.create(`file://${encodeURI(file)}`, 'ami', 1, text);
  // A report lists every finding (the editor caps its list per document).
  return computeDiagnostics(document, { ...settings, maxDiagnostics: Infinity })
    .filter((diagnostic) => includeHints || diagnostic.severity !== DiagnosticSeverity.Hint)
    .map((diagnostic: Diagnostic) => ({
      file,
      range: diagnostic.range,
      severity: SEVERITY_NAMES[diagnostic.severity ?? DiagnosticSeverity.Error],
      code: String(diagnostic.code ?? ''),
      message: diagnostic.message,
    }))
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/**
 * Runs `ami lint` with `argv` (the words after `lint`); resolves with the exit code. Never throws.
 * `cwd` resolves relative paths and globs; `stdin` is read for `-`.
 */
export async function runLint(argv: string[], io: LintIo = defaultIo(), cwd = process.cwd(), stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  let files: string[];
  let settings: LanguageSettings;
  let json: boolean;
  let hints: boolean;
  try {
    const args = parseArgs(argv, { flags: ['json', 'hints', 'help'], values: ['asterisk-version'], repeatable: ['var'] }, 'lint');
    if (args.flags.has('help')) {
      io.out(`${LINT_USAGE}\n`);
      return EXIT_OK;
    }
    files = [];
    for (const name of args.positionals) {
      // A quoted glob ('tests/**/*.ami') is expanded here, the same on every shell.
      if (name !== '-' && isGlob(name) && !existsQuietly(cwd, name)) {
        const matched = expandGlob(cwd, name);
        if (matched.length === 0) throw new UsageError(`no file matches ${name}`);
        files.push(...matched);
      } else files.push(name);
    }
    if (files.length === 0) throw new UsageError('no file given');
    if (files.filter((file) => file === '-').length > 1) throw new UsageError('- (standard input) can be given once');
    json = args.flags.has('json');
    hints = args.flags.has('hints');
    settings = {};
    const version = valueOf(args, 'asterisk-version');
    if (version !== undefined) {
      const catalogue = getCatalogue();
      const major = version.trim().split('.')[0];
      if (!catalogue.branches.includes(major)) {
        throw new UsageError(`--asterisk-version must be one of ${catalogue.branches.join(', ')} (got "${version}")`);
      }
      settings.asteriskVersion = major;
    }
    const variables = args.values.get('var');
    if (variables) settings.profileVariables = parseVariables(variables);
  } catch (error) {
    const message = (error as Error).message;
    io.err(`ami lint: ${message}\n${error instanceof UsageError && !message.includes('--help') ? 'run ami lint --help for usage\n' : ''}`);
    return EXIT_USAGE;
  }

  const findings: LintFinding[] = [];
  let unreadable = 0;
  for (const file of files) {
    let script: ReturnType<typeof decodeScript>;
    try {
      script = decodeScript(file === '-' ? await readStdinBytes(stdin) : readScriptBytes(cwd, file));
    } catch (error) {
      const reason = error instanceof UsageError ? error.message : `cannot read ${file}: ${(error as Error).message}`;
      io.err(`ami lint: ${reason}\n`);
      unreadable++;
      continue;
    }
    const shownAs = file === '-' ? '<stdin>' : file;
    const fileFindings = lintText(shownAs, script.text, settings, hints);
    if (script.decodeError) {
      const document = TextDocument.create('file:///x', 'ami', 1, script.text);
      const at = document.positionAt(script.decodeError.offset);
      fileFindings.unshift({
        file: shownAs,
        range: { start: at, end: at },
        severity: 'error',
        code: 'ami-invalid-utf8',
        message: 'The file is not valid UTF-8 here: save it as UTF-8.',
      });
    }
    // One by one: spreading 200,000 findings into push() overflows the call stack.
    for (const finding of fileFindings) findings.push(finding);
  }

  if (json) {
    io.out(`${JSON.stringify(findings)}\n`);
  } else {
    for (const finding of findings) {
      const line = `${finding.file}:${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.severity} ${finding.code} ${finding.message}`;
      io.out(`${printable(line)}\n`);
    }
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    const checked = files.length - unreadable;
    io.err(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${checked} file${checked === 1 ? '' : 's'}\n`);
  }
  if (unreadable > 0) return EXIT_USAGE;
  return findings.some((finding) => finding.severity === 'error') ? EXIT_FAILED : EXIT_OK;
}
