/**
 * The `ami` commands' option parser: `--flag`, `--name value`, `--name=value`, repeatable options, and usage
 * errors that name the command's --help. The secret is refused as an argument (it would show in ps).
 */
import { parseDuration } from '../../core/src/expect/parse';

/** A mistake in the command line or its files: printed without a stack, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Options without a value (`--tls`). */
  flags?: readonly string[];
  /** Options with a value (`--port 5038` or `--port=5038`). */
  values?: readonly string[];
  /** Value options that may repeat (`--filter A=b --filter C=d`). */
  repeatable?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/** Parses `argv` against `spec`; unknown options and missing values throw a UsageError naming `command`. */
export function parseArgs(argv: readonly string[], spec: OptionSpec, command: string): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const valueNames = new Set([...(spec.values ?? []), ...(spec.repeatable ?? [])]);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--') {
      positionals.push(...argv.slice(k + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg} (options start with --; try ami ${command} --help)`);
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals > 0 ? arg.slice(2, equals) : arg.slice(2);
    if (name === 'secret' || name === 'password') {
      throw new UsageError('the secret is never a command-line argument (it would show in ps and shell history): set AMI_SECRET, or run on a terminal to be asked');
    }
    if (spec.flags?.includes(name)) {
      if (equals > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!valueNames.has(name)) throw new UsageError(`unknown option --${name} (try ami ${command} --help)`);
    const value = equals > 0 ? arg.slice(equals + 1) : argv[++k];
    if (value === undefined || (equals < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    const list = values.get(name) ?? [];
    if (list.length > 0 && !spec.repeatable?.includes(name)) throw new UsageError(`--${name} is given twice`);
    list.push(value);
    values.set(name, list);
  }
  return { positionals, flags, values };
}

/** The single value of an option, if given. */
export function valueOf(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

/** A duration option (`--duration 10s`, `500ms`, `2m`) in ms. */
export function durationOf(args: ParsedArgs, name: string): number | undefined {
  const text = valueOf(args, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`--${name} must be a duration like 10s, 500ms or 2m (got "${text}")`);
  return ms;
}
