/**
 * Entry point of the AMI language server (dist/server.js). Started by the VS Code client over IPC; other editors
 * run `node dist/server.js --stdio` (createConnection reads --stdio, --node-ipc or --socket=N from argv).
 */
import { setFlagsFromString } from 'node:v8';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { getLanguageService } from '../../core/src/language/languageService';
import { startLanguageServer } from './languageServer';
import { version } from '../../package.json';

// Keep V8's young generation at its initial size instead of letting it grow to 2 × 16 MB: every keystroke in a
// large file makes a new copy of the document text, and the grown young space alone kept RSS near 200 MB while
// typing (issue 2 targets ≤ 150 MB). Measured: no change in validation or completion latency.
setFlagsFromString('--semi-space-growth-factor=1');

const connection = createConnection(ProposedFeatures.all);

// Last line of defence: a bug must be logged, not end the editor's language features.
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));

// Over Node IPC (VS Code's transport) the channel is the only input, and once the editor's side closes it nothing
// more can arrive. vscode-languageserver ends the process when stdin ends, but over IPC it only polls whether the
// editor's process still exists (every 3 s): a client that closed the channel and lives on would keep us forever.
let shutdownReceived = false;
connection.onShutdown(() => {
  shutdownReceived = true;
});
if (process.argv.includes('--node-ipc')) process.once('disconnect', () => process.exit(shutdownReceived ? 0 : 1));

startLanguageServer(connection, getLanguageService(), { version });
