/**
 * Entry point of the AMI language server (dist/server.js). Started by the VS Code client over IPC; other editors
 * run `node dist/server.js --stdio` (createConnection reads --stdio, --node-ipc or --socket=N from argv).
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { getLanguageService } from '../../core/src/language/languageService';
import { startLanguageServer } from './languageServer';
import { version } from '../../package.json';

const connection = createConnection(ProposedFeatures.all);

// Last line of defence: a bug must be logged, not end the editor's language features.
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));

startLanguageServer(connection, getLanguageService(), { version });
