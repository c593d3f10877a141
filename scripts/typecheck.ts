/**
 * `npm run typecheck`: every part against its own tsconfig.json (its environment: node, DOM, neither), in one
 * process. Each part reports the errors of its own files only, and parsed files are shared between the parts, so
 * the whole check costs about one `tsc` over the repository instead of one per part.
 */
import ts from 'typescript';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
/** Every folder with a tsconfig.json; `.` holds the scripts and tests. */
export const PARTS = ['core', 'node', 'protocol', 'server', 'client', 'client/webview', 'cli', 'test/webview', 'bench', '.'];

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const format = process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stderr.write(format(diagnostics, formatHost));
  process.exit(1);
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

const parsedFiles = new Map<string, ts.SourceFile>();
const problems: ts.Diagnostic[] = [];
let oldProgram: ts.Program | undefined;

for (const part of PARTS) {
  const configFile = join(ROOT, part, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
  if (!config) fail([]);
  if (config.errors.length > 0) fail(config.errors);
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    // Library .d.ts files differ by `lib`/`types` only in which are loaded, not in how they parse.
    let file = parsedFiles.get(fileName);
    if (!file) {
      file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) parsedFiles.set(fileName, file);
    }
    return file;
  };
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host, oldProgram });
  oldProgram = program;
  const own = new Set(config.fileNames.map((name) => resolve(name)));
  problems.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
  for (const file of program.getSourceFiles()) {
    if (!own.has(resolve(file.fileName))) continue;
    problems.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  }
  process.stdout.write(`typecheck ${part === '.' ? 'scripts, test, bench' : relative(ROOT, dirname(configFile))}: ${own.size} files\n`);
}

if (problems.length > 0) fail(problems);
