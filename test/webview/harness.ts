/**
 * Serves the real panel (client/webview/main.ts bundled by esbuild, media/panel.css, the extension's HTML and CSP)
 * on 127.0.0.1 and opens it in headless Chromium with a stubbed `acquireVsCodeApi` whose state lives in
 * sessionStorage (so a reload restores it like VS Code does) and whose posted messages are recorded.
 */
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, renderPanelHtml } from '../../client/src/panel/html';

export const CHROMIUM = process.env.AMI_CHROMIUM ?? '/usr/bin/chromium';
/** Why the browser tests cannot run here, or undefined when they can. CI must run them, so it never skips. */
export const skipReason = existsSync(CHROMIUM) || process.env.CI ? undefined : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set AMI_CHROMIUM)`;

const STUB = `
window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
  getState: () => JSON.parse(sessionStorage.getItem('panel-state') ?? 'null'),
  setState: (s) => sessionStorage.setItem('panel-state', JSON.stringify(s)),
});
`;

export interface PanelHarness {
  browser: Browser;
  page: Page;
  baseUrl: string;
  /** Posts a message to the page as the extension would. */
  send(message: unknown): Promise<void>;
  /** Messages the page posted to the extension so far. */
  posted(): Promise<Array<Record<string, unknown>>>;
  cspViolations: string[];
  close(): Promise<void>;
}

/** Harness options (the defaults are what the tests use). */
export interface PanelOptions {
  /** Lets the page start a blob: Worker despite the panel's CSP (bench/panel.ts feeds events from one). */
  bypassCSP?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /** The page kind: the panel, or a call's timeline in an editor tab of its own. */
  mode?: 'panel' | 'timeline';
  /** The call (Linkedid) a timeline page opens. */
  call?: string;
}

/** Bundles the webview, starts the loopback server and the browser, opens the panel. */
export async function openPanel(options: PanelOptions = {}): Promise<PanelHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'ami-webview-'));
  await build({
    entryPoints: { webview: 'client/webview/main.ts' },
    outdir: dir,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    logLevel: 'warning',
  });
  const script = readFileSync(join(dir, 'webview.js'));
  const style = readFileSync('media/panel.css');
  const timelineStyle = readFileSync('media/timeline.css');
  let baseUrl = '';
  const server: Server = createServer((request, response) => {
    const nonce = makeNonce((size) => randomBytes(size));
    if (request.url === '/' || request.url?.startsWith('/?')) {
      const html = renderPanelHtml({
        cspSource: baseUrl,
        nonce,
        scriptUri: `${baseUrl}/webview.js`,
        styleUri: `${baseUrl}/panel.css`,
        extraStyleUris: [`${baseUrl}/timeline.css`],
        mode: options.mode,
        call: options.call,
      }).replace(/(<div id="app"[^>]*><\/div>)/, `$1\n<script nonce="${nonce}">${STUB}</script>`);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (request.url === '/webview.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (request.url === '/panel.css') {
      response.writeHead(200, { 'content-type': 'text/css' }).end(style);
    } else if (request.url === '/timeline.css') {
      response.writeHead(200, { 'content-type': 'text/css' }).end(timelineStyle);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(options.args ?? [])],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 }, bypassCSP: options.bypassCSP === true });
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => cspViolations.push(`page error: ${error.message}`));
  // tsx (esbuild keepNames) wraps named functions inside page.evaluate callbacks with __name().
  await page.addInitScript(() => {
    (globalThis as unknown as { __name: (f: unknown) => unknown }).__name = (f) => f;
  });
  await page.goto(baseUrl + '/');
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return {
    browser,
    page,
    baseUrl,
    cspViolations,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted),
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A synthetic but realistic event (headers as Asterisk 23 sends them for Newchannel/Hangup). */
export function makeEvent(seq: number, name: string, extra: Array<[string, string]> = []): {
  seq: number;
  time: number;
  name: string;
  headers: Array<[string, string]>;
} {
  return {
    seq,
    time: 1_763_900_000_000 + seq,
    name,
    headers: [
      ['Event', name],
      ['Privilege', 'call,all'],
      ['Channel', `PJSIP/${100 + (seq % 5)}-0000${seq.toString(16)}`],
      ['Uniqueid', `1763900000.${seq}`],
      ...extra,
    ],
  };
}
