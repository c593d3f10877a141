// Bundles every runnable part into dist/. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Bundles the generated catalogue as `JSON.parse('…')` instead of a JavaScript object literal: V8 reads JSON much
 * faster than an 800 KB literal, and the language server starts with ~5 MB less memory.
 */
const catalogueAsJsonParse = {
  name: 'catalogue-as-json-parse',
  setup(build) {
    build.onLoad({ filter: /[\\/]catalogue[\\/]data[\\/]catalogue\.json$/ }, (args) => ({
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`,
      loader: 'js',
    }));
  },
};

/** Node bundles: extension host client, language server, command line. */
const nodeEntries = [
  // Banner and footer stamp when the extension's code starts and ends loading (ActivationTimings.loadMs).
  { in: 'client/src/extension.ts', out: 'extension', banner: '"use strict";\nglobalThis.__amiBundleLoadStart = performance.now(); globalThis.__amiBundleLoadStartCpu = process.cpuUsage();', footer: 'globalThis.__amiBundleLoadEnd = performance.now(); globalThis.__amiBundleLoadEndCpu = process.cpuUsage();' },
  { in: 'server/src/server.ts', out: 'server' },
  { in: 'cli/src/cli.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'test/session/fakeAmiServer.ts', out: 'simulator' },
].filter((entry) => existsSync(entry.in));

/** Browser bundles: the panel webview. */
const browserEntries = [{ in: 'client/webview/main.ts', out: 'webview' }].filter((entry) => existsSync(entry.in));

/**
 * The npm package of the `ami` command (packages/cli, staged by scripts/packCli.ts): one minified file with the
 * catalogue inside; the recorded captures are shipped beside it.
 */
const cliPackageBuild = {
  ...common,
  sourcemap: false,
  minify: true,
  entryPoints: { ami: 'cli/src/cli.ts' },
  outdir: 'packages/cli/dist',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  plugins: [catalogueAsJsonParse],
  banner: { js: '#!/usr/bin/env node' },
};

const builds = process.argv.includes('--cli-package') ? [cliPackageBuild] : [
  ...nodeEntries.map((entry) => ({
    ...common,
    entryPoints: { [entry.out]: entry.in },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    plugins: [catalogueAsJsonParse],
    banner: entry.banner ? { js: entry.banner } : undefined,
    footer: entry.footer ? { js: entry.footer } : undefined,
  })),
  ...browserEntries.map((entry) => ({
    ...common,
    entryPoints: { [entry.out]: entry.in },
    outdir: 'dist',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  })),
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
