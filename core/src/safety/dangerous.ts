/**
 * The dangerous-action rules of docs/security.md as data, and `assessDanger`, used by the editor's
 * diagnostics and by the client right before it sends (with variables already substituted).
 */
import { lowerCaseName } from '../catalogue/queries';

/** Actions that are dangerous whatever their headers (Asterisk matches the names case-insensitively). */
export const DANGEROUS_ACTIONS: Readonly<Record<string, string>> = {
  Command: 'runs an Asterisk CLI command, which can change or stop the PBX',
  UpdateConfig: 'rewrites an Asterisk configuration file',
  CreateConfig: 'creates a configuration file on the Asterisk server',
  GetConfig: 'reads any Asterisk configuration file, including secrets it contains (CVE-2024-49215)',
  GetConfigJSON: 'reads any Asterisk configuration file, including secrets it contains (CVE-2024-49215)',
  ListCategories: 'reads the structure of any configuration file (CVE-2024-49215)',
  ModuleLoad: 'loads, unloads or reloads Asterisk modules',
  ModuleUnload: 'unloads Asterisk modules',
  Reload: 'reloads Asterisk configuration and modules',
  Restart: 'restarts Asterisk',
  Shutdown: 'stops Asterisk',
  DBDelTree: 'deletes a whole family from the Asterisk database',
};

/** Dialplan applications that make an Originate run code, record or re-enter the manager. */
export const DANGEROUS_ORIGINATE_APPLICATIONS: Readonly<Record<string, string>> = {
  System: 'runs a shell command on the Asterisk server',
  TrySystem: 'runs a shell command on the Asterisk server',
  Exec: 'runs any dialplan application',
  ExecIf: 'runs any dialplan application',
  AGI: 'runs an AGI script on the Asterisk server',
  EAGI: 'runs an AGI script on the Asterisk server',
  ExternalIVR: 'starts an external program on the Asterisk server (AST-2012-004)',
  MixMonitor: 'records the call and can run a shell command when it ends',
  Originate: 'starts further calls from the server',
  Reload: 'reloads Asterisk configuration and modules',
  DBdeltree: 'deletes a whole family from the Asterisk database',
};

/** Lower-cased name → [canonical name, reason]. */
function lowerIndex(table: Readonly<Record<string, string>>): Map<string, [string, string]> {
  return new Map(Object.entries(table).map(([name, reason]) => [name.toLowerCase(), [name, reason]]));
}

const actionIndex = lowerIndex(DANGEROUS_ACTIONS);
const applicationIndex = lowerIndex(DANGEROUS_ORIGINATE_APPLICATIONS);

/** The Queue application's AGI argument (0-based position in its comma-separated arguments). */
const QUEUE_AGI_ARGUMENT = 5;

/**
 * Dialplan functions that reach the shell, files, databases or the network when evaluated (CVE-2024-42365):
 * SHELL, EVAL, CURL, FILE, DB, ODBC and REALTIME families, written as a call `NAME(`.
 */
export const DANGEROUS_FUNCTION_PATTERN = /\b(SHELL|EVAL(?:_EXTEN)?|CURL(?:OPT)?|FILE(?:_COUNT_LINE|_FORMAT)?|DB(?:_DELETE|_KEYS|_EXISTS|_KEYCOUNT)?|ODBC\w*|REALTIME\w*)\s*\(/i;

/**
 * Actions whose variable-name headers are evaluated as dialplan functions. A Map: any name is looked up, and a
 * plain object would find `constructor` and the like on its prototype.
 */
const VARIABLE_ACTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['getvar', ['variable']],
  ['setvar', ['variable', 'value']],
  ['status', ['variables']],
]);

export interface DangerAssessment {
  dangerous: boolean;
  /** Why, as a sentence without final period naming the action (e.g. "Command runs an Asterisk CLI command…"). */
  reason?: string;
}

/** True when assessDanger's answer for `action` may depend on its headers (Originate, Getvar, Setvar, Status). */
export function dangerReadsHeaders(action: string): boolean {
  const name = lowerCaseName(action.trim());
  return name === 'originate' || VARIABLE_ACTIONS.has(name);
}

/** The answer for nearly every block: one shared object, not one per call. */
const NOT_DANGEROUS: DangerAssessment = Object.freeze({ dangerous: false });

/** Headers as sent (`[name, value]` pairs) or as parsed (the script's header lines). */
export type DangerHeaders = ReadonlyArray<readonly [string, string]> | ReadonlyArray<{ readonly name: string; readonly value: string }>;

/** headerValues' answer when no header has the name (most blocks): no list made. */
const NO_VALUES: readonly string[] = Object.freeze([]);

/** The values of the headers named `wanted` (lower case), in any case. */
function headerValues(headers: DangerHeaders, wanted: string): readonly string[] {
  let values: string[] | undefined;
  for (let index = 0; index < headers.length; index++) {
    const header = headers[index];
    const headerName = 'name' in header ? header.name : header[0];
    // Most names differ in length: no lower-casing for those.
    if (headerName.length === wanted.length && lowerCaseName(headerName) === wanted) (values ??= []).push('name' in header ? header.value : header[1]);
  }
  return values ?? NO_VALUES;
}

/** `Queue(...)` arguments may be separated by `,` or the old `|`. */
function splitArguments(data: string): string[] {
  return data.split(/[,|]/);
}

/**
 * Says whether sending `action` with `headers` is dangerous per docs/security.md, and why.
 * Matching is case-insensitive, as in Asterisk. Pass the headers as they will be sent (after variable
 * substitution), in order; repeated headers are all checked.
 */
export function assessDanger(action: string, headers: DangerHeaders): DangerAssessment {
  const name = lowerCaseName(action.trim());
  const fixed = actionIndex.get(name);
  if (fixed) return { dangerous: true, reason: `${fixed[0]} ${fixed[1]}` };

  // Indexed loops: a cold for-of allocates an iterator result per item, and a file's first check runs unoptimised.
  if (name === 'originate') {
    const applications = headerValues(headers, 'application');
    for (let index = 0; index < applications.length; index++) {
      const appName = applications[index].trim().toLowerCase();
      const why = applicationIndex.get(appName);
      if (why) return { dangerous: true, reason: `Originate with Application ${why[0]} ${why[1]}` };
      if (appName === 'queue') {
        const agi = headerValues(headers, 'data').some((data) => (splitArguments(data)[QUEUE_AGI_ARGUMENT] ?? '').trim() !== '');
        if (agi) return { dangerous: true, reason: 'Originate with Application Queue and an AGI argument runs an AGI script on the Asterisk server' };
      }
    }
    const dataValues = headerValues(headers, 'data');
    for (let index = 0; index < dataValues.length; index++) {
      const match = DANGEROUS_FUNCTION_PATTERN.exec(dataValues[index]);
      if (match) {
        return {
          dangerous: true,
          reason: `Originate Data calls ${match[1].toUpperCase()}(), which reaches the shell, files, databases or the network (CVE-2024-42365)`,
        };
      }
    }
    return NOT_DANGEROUS;
  }

  const variableHeaders = VARIABLE_ACTIONS.get(name);
  if (variableHeaders) {
    for (let header = 0; header < variableHeaders.length; header++) {
      const values = headerValues(headers, variableHeaders[header]);
      for (let index = 0; index < values.length; index++) {
        const match = DANGEROUS_FUNCTION_PATTERN.exec(values[index]);
        if (match) {
          return {
            dangerous: true,
            reason: `${name === 'getvar' ? 'Getvar' : name === 'setvar' ? 'Setvar' : 'Status'} evaluates ${match[1].toUpperCase()}(), which reaches the shell, files, databases or the network`,
          };
        }
      }
    }
  }
  return NOT_DANGEROUS;
}
