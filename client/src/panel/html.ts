/**
 * The panel's HTML shell. Pure (no `vscode`): the extension and the browser tests build the same page.
 * Everything visible is created by dist/webview.js with DOM APIs; server values are only ever set as text.
 */

export interface PanelHtmlOptions {
  /** `webview.cspSource`: the origin local resources are served from. */
  cspSource: string;
  /** Fresh random nonce per render; only the script carrying it may run. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** More stylesheets from the extension (the timeline's). */
  extraStyleUris?: readonly string[];
  /** `timeline`: the page is one call's timeline in its own editor tab (that call's Linkedid in `call`). */
  mode?: 'panel' | 'timeline';
  call?: string;
}

/** A nonce of 32 characters from [A-Za-z0-9], from a cryptographic random source. */
export function makeNonce(randomBytes: (size: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (byte) => alphabet[byte % alphabet.length]).join('');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy: nothing by default, styles from the extension, scripts only with the nonce. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The full HTML document of the panel. */
export function renderPanelHtml(options: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(panelCsp(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(options.styleUri)}">
${(options.extraStyleUris ?? []).map((uri) => `<link rel="stylesheet" href="${attribute(uri)}">\n`).join('')}<title>AMI Workbench</title>
</head>
<body>
<div id="app"${options.mode === 'timeline' ? ` data-mode="timeline" data-call="${attribute(options.call ?? '')}"` : ''}></div>
<script nonce="${attribute(options.nonce)}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
