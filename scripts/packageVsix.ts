/**
 * `npm run package [-- --out DIR/]`: the production build, then `vsce package` (no prompts: no dependencies to
 * collect, README's relative links kept), then the size budget of the .vsix. Extra arguments go to vsce.
 * For the Marketplace, README's pictures need absolute addresses: pass `--baseContentUrl URL --baseImagesUrl URL`
 * (then the links are rewritten) or set "repository" in package.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = join(__dirname, '..');
/** The published size budget of the .vsix. */
export const VSIX_MAX_BYTES = 2 * 1024 * 1024;
/** vsce's arguments; packaging.test.ts checks they never prompt. */
export const VSCE_ARGS = ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links'];

/** Where vsce writes the .vsix for these extra arguments (`--out FILE|DIR/`, `-o`). */
export function vsixPath(extraArgs: readonly string[], name: string, version: string): string {
  const index = extraArgs.findIndex((arg) => arg === '--out' || arg === '-o');
  const fileName = `${name}-${version}.vsix`;
  if (index < 0 || extraArgs[index + 1] === undefined) return join(repoRoot, fileName);
  const out = extraArgs[index + 1];
  return out.endsWith('/') || !out.endsWith('.vsix') ? join(resolve(repoRoot, out), fileName) : resolve(repoRoot, out);
}

function main(): void {
  const extraArgs = process.argv.slice(2);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  try {
    execFileSync(process.execPath, [join(repoRoot, 'esbuild.mjs'), '--production'], { cwd: repoRoot, stdio: 'inherit' });
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    const rewrite = extraArgs.some((arg) => /^--base(Images|Content)Url\b/.test(arg));
    const args = rewrite ? VSCE_ARGS.filter((arg) => arg !== '--no-rewrite-relative-links') : VSCE_ARGS;
    execFileSync(process.execPath, [vsce, ...args, ...extraArgs], { cwd: repoRoot, stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(`package: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const vsix = vsixPath(extraArgs, manifest.name, manifest.version);
  const size = statSync(vsix).size;
  if (size > VSIX_MAX_BYTES) {
    process.stderr.write(`package: ${vsix} is ${(size / 1024).toFixed(0)} KiB, over the ${VSIX_MAX_BYTES / 1024} KiB budget: check .vscodeignore and the bundles\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`package: ${vsix}: ${(size / 1024).toFixed(0)} KiB (budget ${VSIX_MAX_BYTES / 1024} KiB)\n`);
}

if (require.main === module) main();
