/**
 * Builds the npm package of the `ami` command (packages/cli) and packs it: `npm run pack:cli [-- --out DIR]`.
 * Stages one minified bundle (dist/ami.js, the catalogue inside), the recorded captures (so `ami replay` works
 * outside the repository), LICENSE and NOTICE, runs `npm pack` and checks what the tarball holds and its size.
 * Prints the tarball's path on the last line of stdout.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root (scripts/..). */
const repoRoot = join(__dirname, '..');
/** The CLI package's folder. */
export const cliPackageDir = join(repoRoot, 'packages', 'cli');
/** The published size budget of the tarball. */
export const CLI_TARBALL_MAX_BYTES = 3 * 1024 * 1024;

/** Only these may be in the tarball. */
const SHIPPED = /^(package\.json|README\.md|LICENSE|NOTICE|dist\/ami\.js|captures\/[^/]+\.txt)$/;

/** What `packCli` produced. */
export interface CliPack {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Its size in bytes. */
  size: number;
  /** Paths inside the package. */
  files: string[];
  version: string;
}

function readJson(path: string): { version: string; dependencies?: object; bin?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { version: string; dependencies?: object; bin?: Record<string, string> };
}

/**
 * Stages packages/cli and runs `npm pack` into `outDir`. Throws with what to fix when the versions disagree, an
 * unexpected file would ship, or the tarball exceeds its budget.
 */
export function packCli(outDir: string): CliPack {
  const rootVersion = readJson(join(repoRoot, 'package.json')).version;
  const manifest = readJson(join(cliPackageDir, 'package.json'));
  if (manifest.version !== rootVersion) {
    throw new Error(`packages/cli/package.json has version ${manifest.version} but package.json has ${rootVersion} (ami --version prints the root one): make them equal`);
  }
  if (manifest.dependencies && Object.keys(manifest.dependencies).length > 0) {
    throw new Error('packages/cli/package.json must have no dependencies: everything is bundled into dist/ami.js');
  }

  // Node's own execPath, so the script works where `node` on the PATH is another version.
  execFileSync(process.execPath, [join(repoRoot, 'esbuild.mjs'), '--cli-package'], { cwd: repoRoot, stdio: 'inherit' });
  const captures = join(cliPackageDir, 'captures');
  rmSync(captures, { recursive: true, force: true });
  cpSync(join(repoRoot, 'test', 'fixtures', 'ami-captures'), captures, {
    recursive: true,
    filter: (source) => statSync(source).isDirectory() || source.endsWith('.txt'),
  });
  for (const file of ['LICENSE', 'NOTICE']) copyFileSync(join(repoRoot, file), join(cliPackageDir, file));

  mkdirSync(outDir, { recursive: true });
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
    cwd: cliPackageDir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const [result] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(outDir, result.filename);
  const files = result.files.map((file) => file.path);
  const unexpected = files.filter((file) => !SHIPPED.test(file));
  if (unexpected.length > 0) throw new Error(`not meant to ship in the CLI package (fix "files" in packages/cli/package.json): ${unexpected.join(', ')}`);
  for (const required of ['dist/ami.js', 'captures/01-banner.txt', 'README.md', 'LICENSE', 'NOTICE']) {
    if (!files.includes(required)) throw new Error(`${required} is missing from the CLI package`);
  }
  const size = statSync(tarball).size;
  if (size > CLI_TARBALL_MAX_BYTES) {
    throw new Error(`${tarball} is ${(size / 1024 / 1024).toFixed(2)} MB, over the ${CLI_TARBALL_MAX_BYTES / 1024 / 1024} MB budget`);
  }
  return { tarball, size, files, version: manifest.version };
}

function main(): void {
  const outIndex = process.argv.indexOf('--out');
  const outDir = resolve(outIndex >= 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1] : repoRoot);
  try {
    const pack = packCli(outDir);
    process.stderr.write(`ami CLI package ${pack.version}: ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} KiB (budget ${CLI_TARBALL_MAX_BYTES / 1024} KiB)\n`);
    process.stdout.write(`${pack.tarball}\n`);
  } catch (error) {
    process.stderr.write(`pack:cli: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
