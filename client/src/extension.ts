/** Extension entry point: activation on `.ami` documents starts the language client. */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { registerRunFeatures, type RunFeatures } from './run';

/** What activate() returns: used by other parts of the extension and awaited by end-to-end tests. */
export interface AmiExtensionApi {
  /** The running language client (already started). */
  readonly languageClient: LanguageClient;
  /** Connections, block runner and panel (client/src/run). */
  readonly run: RunFeatures;
}

let client: LanguageClient | undefined;

/** Starts the language server; resolves once it has answered `initialize`. */
export async function activate(context: vscode.ExtensionContext): Promise<AmiExtensionApi> {
  const languageClient = createLanguageClient(context);
  client = languageClient;
  // Before start(): the run commands exist even if the language server fails to start.
  const run = registerRunFeatures(context, languageClient);
  await languageClient.start();
  return { languageClient, run };
}

/** Stops the server (VS Code waits for the returned promise). */
export async function deactivate(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (stopping) await stopping.stop();
}
