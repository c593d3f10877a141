/**
 * Why an action needs a confirmation before it is sent (SECURITY.md "Dangerous actions"), as one sentence,
 * or undefined. Interim copy of the rules until core/src/safety/dangerous.ts (assessDanger) lands; then this
 * file only adapts assessDanger's answer.
 */

const DANGEROUS_ACTIONS = new Set(
  ['Command', 'UpdateConfig', 'CreateConfig', 'GetConfig', 'GetConfigJSON', 'ListCategories', 'ModuleLoad', 'ModuleUnload', 'Reload', 'Restart', 'Shutdown', 'DBDelTree'].map((a) =>
    a.toLowerCase(),
  ),
);
const DANGEROUS_APPLICATIONS = new Set(
  ['System', 'TrySystem', 'Exec', 'ExecIf', 'AGI', 'EAGI', 'ExternalIVR', 'MixMonitor', 'Originate', 'Reload', 'DBdeltree'].map((a) => a.toLowerCase()),
);
const DANGEROUS_FUNCTIONS = /\b(SHELL|EVAL|CURL|FILE|DB|ODBC|REALTIME)\s*\(/i;

function header(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** The reason this action is dangerous, or undefined. */
export function assessRisk(action: string, headers: ReadonlyArray<readonly [string, string]>): string | undefined {
  const lower = action.trim().toLowerCase();
  if (DANGEROUS_ACTIONS.has(lower)) return `${action} can change or reveal the server's configuration or stop it.`;
  if (lower === 'originate') {
    const application = header(headers, 'Application');
    const data = header(headers, 'Data') ?? '';
    if (application && DANGEROUS_APPLICATIONS.has(application.trim().toLowerCase())) {
      return `Originate runs the ${application} application, which can run commands on the server (CVE-2024-42365).`;
    }
    if (application?.trim().toLowerCase() === 'queue' && /,.*\bAGI\b|agi:/i.test(data)) return 'Originate runs Queue with an AGI argument.';
    if (DANGEROUS_FUNCTIONS.test(data)) return 'Originate Data uses a function that reaches the shell, files or databases (AST-2012-004).';
  }
  if (lower === 'getvar' || lower === 'setvar' || lower === 'status') {
    const variable = `${header(headers, 'Variable') ?? ''} ${header(headers, 'Value') ?? ''}`;
    if (/\b(SHELL|EVAL)\s*\(/i.test(variable)) return `${action} evaluates SHELL or EVAL, which runs commands on the server.`;
  }
  return undefined;
}
