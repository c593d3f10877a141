/**
 * The AMI language client: starts dist/server.js over IPC. The custom messages it sends are typed in
 * protocol/src/lspExtensions.ts.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { serverNodeOptions } from '../../protocol/src/serverLaunch';

/** Client id: also the prefix of the `ami.trace.server` setting that the client reads by itself. */
export const languageClientId = 'ami';

/** Creates (does not start) the client for `.ami` documents, files and untitled alike. */
export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: serverNodeOptions(process.versions) } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...serverNodeOptions(process.versions), '--nolazy', '--inspect=6019'] } },
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

