// What the .vsix holds: asks @vscode/vsce itself (`vsce ls`, offline) which files `npm run package` would ship,
// and checks them against the manifest. Needs dist/ (npm test builds first).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VSCE_ARGS, VSIX_MAX_BYTES } from '../../scripts/packageVsix';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  icon?: string;
  repository?: unknown;
  scripts: Record<string, string>;
  capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string } };
  contributes: {
    languages: Array<{ id: string; configuration?: string }>;
    grammars: Array<{ path: string }>;
    configuration: { properties: Record<string, { scope?: string; enum?: string[] }> };
  };
};

/** Only these may ship: the bundles, the grammar, media, the changelog and the notices. */
const allowed = /^(dist\/(extension|server|webview)\.js|syntaxes\/[^/]+\.json|media\/.+|package\.json|README\.md|CHANGELOG\.md|LICENSE|NOTICE|language-configuration\.json)$/;

const withoutDotSlash = (path: string): string => path.replace(/^\.\//, '');

describe('packaging (.vsix contents)', () => {
  let files: string[] = [];

  before(() => {
    for (const bundle of ['dist/extension.js', 'dist/server.js']) {
      assert.ok(existsSync(join(root, bundle)), `${bundle} is missing: run "npm run build" first`);
    }
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const output = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    files = output.split(/\r?\n/).filter((line) => line.length > 0);
  });

  it('ships the bundles, the grammar, the language configuration and the notices', () => {
    for (const required of [
      'dist/extension.js',
      'dist/server.js',
      'dist/webview.js',
      'syntaxes/ami.tmLanguage.json',
      'language-configuration.json',
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'NOTICE',
    ]) {
      assert.ok(files.includes(required), `${required} is not in the package: ${files.join(', ')}`);
    }
  });

  it('ships nothing else: no sources, tests, source maps or node_modules', () => {
    const unexpected = files.filter((file) => !allowed.test(file));
    assert.deepEqual(unexpected, [], `not meant to ship (fix .vscodeignore): ${unexpected.join(', ')}`);
    assert.ok(!files.some((file) => /(^|\/)(src|test|node_modules)\//.test(file) || file.endsWith('.map')));
  });

  it('has an icon of at least 128×128 pixels (a PNG: the Marketplace refuses SVG icons)', () => {
    assert.ok(manifest.icon, 'package.json has no "icon"');
    const png = readFileSync(join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${manifest.icon} is not a PNG`);
    // IHDR: width and height are the big-endian words at bytes 16 and 20.
    assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, `${manifest.icon} is ${png.readUInt32BE(16)}×${png.readUInt32BE(20)}`);
  });

  it('contains every file the manifest points at', () => {
    const referenced = [
      manifest.main,
      ...manifest.contributes.grammars.map((grammar) => grammar.path),
      ...manifest.contributes.languages.flatMap((language) => (language.configuration ? [language.configuration] : [])),
      ...(manifest.icon ? [manifest.icon] : []),
    ].map(withoutDotSlash);
    for (const path of referenced) assert.ok(files.includes(path), `package.json refers to ${path}, which is not shipped`);
  });

  it('packages without prompts, declares limited trust and the trace setting', () => {
    // vsce asks interactively when the repository field is missing; the script must not hang in CI.
    assert.match(manifest.scripts.package, /scripts\/packageVsix\.ts/);
    assert.deepEqual(VSCE_ARGS.slice(0, 2), ['package', '--no-dependencies']);
    assert.ok(
      manifest.repository !== undefined || VSCE_ARGS.includes('--allow-missing-repository'),
      'set "repository" in package.json or pass --allow-missing-repository',
    );
    assert.equal(VSIX_MAX_BYTES, 2 * 1024 * 1024);
    assert.ok(existsSync(join(root, 'LICENSE')), 'vsce prompts when LICENSE is missing');
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.ok(manifest.capabilities?.untrustedWorkspaces?.description);
    const trace = manifest.contributes.configuration.properties['ami.trace.server'];
    assert.deepEqual(trace?.enum, ['off', 'messages', 'verbose']);
    assert.equal(trace?.scope, 'window');
  });
});
