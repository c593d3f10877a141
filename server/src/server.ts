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

startLanguageServer(connection, getLanguageService(), { version });
