/**
 * The AMI language client: starts dist/server.js over IPC and exposes the server's custom messages, typed by
 * protocol/src/lspExtensions.ts.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  BlockAtPositionRequest,
  LiveServerInfoNotification,
  type LiveServerInfoParams,
  type RunnableBlock,
} from '../../protocol/src/lspExtensions';

/** Client id: also the prefix of the `ami.trace.server` setting that the client reads by itself. */
export const languageClientId = 'ami';

/** Creates (does not start) the client for `.ami` documents, files and untitled alike. */
export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('AMI Language Server', { log: true });
  context.subscriptions.push(outputChannel);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'ami' }],
    // A log channel: a plain OutputChannel breaks vscode-languageclient 11 inside code-server.
    outputChannel,
    // LSP has no capability for client-side commands: without this the server leaves them off its items.
    initializationOptions: { clientCommands: ['editor.action.triggerSuggest'] },
  };
  return new LanguageClient(languageClientId, 'AMI Language Server', serverOptions, clientOptions);
}

/** The block under `position` of an open `.ami` document, as the server parsed it; null outside any block. */
export async function requestBlockAtPosition(
  client: LanguageClient,
  uri: vscode.Uri,
  position: vscode.Position,
): Promise<RunnableBlock | null> {
  return client.sendRequest(BlockAtPositionRequest.type, {
    textDocument: { uri: client.code2ProtocolConverter.asUri(uri) },
    position: client.code2ProtocolConverter.asPosition(position),
  });
}

/** Tells the server what the connected Asterisk allows; `{}` on disconnect. */
export async function sendLiveServerInfo(client: LanguageClient, info: LiveServerInfoParams): Promise<void> {
  await client.sendNotification(LiveServerInfoNotification.type, info);
}
