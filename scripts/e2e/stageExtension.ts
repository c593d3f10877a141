// Copies what the .vsix ships (the .vscodeignore allowlist: manifest, bundles, grammar, media, notices) into a
// private folder that the workbench loads as the extension: a run sees one consistent build even while dist/
// is rebuilt, and tests what users install rather than the whole repository.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools';

const shippedFiles = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'NOTICE', 'language-configuration.json'];
const shippedFolders = ['syntaxes', 'media'];

/** Stages the extension into `target` (replaced) and returns it; fails if a bundle the manifest needs is missing. */
export function stageExtension(target: string): string {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, 'dist'), { recursive: true });
  for (const file of shippedFiles) {
    if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(target, file));
  }
  for (const folder of shippedFolders) {
    if (existsSync(join(repoRoot, folder))) cpSync(join(repoRoot, folder), join(target, folder), { recursive: true });
  }
  // Bundles and their source maps (maps make extension-host stack traces readable; the .vsix leaves them out).
  const dist = join(repoRoot, 'dist');
  for (const file of readdirSync(dist).filter((name) => /\.js(\.map)?$/.test(name))) {
    cpSync(join(dist, file), join(target, 'dist', file));
  }
  for (const bundle of ['extension.js', 'server.js']) {
    if (!existsSync(join(target, 'dist', bundle))) {
      throw new Error(`dist/${bundle} is missing: run \`npm run build\` (it bundles the extension and the language server)`);
    }
  }
  return target;
}
