/**
 * The `ami` command (dist/cli.js): dispatches to subcommands. A subcommand registers with one line in
 * `COMMANDS`; it gets the words after its name and resolves with the exit code.
 */
import { version } from '../../package.json';
import { runLint } from './lint';
import { runSend } from './send';
import { runCommand } from './run';
import { tailCommand } from './tail';
import { captureCommand } from './capture';
import { replayCommand } from './replay';
import { guardProcessOutput } from './output';
import { ownValue } from '../../core/src/text/ownKeys';

/** A subcommand of `ami`. */
export interface CliCommand {
  /** One line for `ami --help`. */
  summary: string;
  /** Runs with the arguments after the command name; resolves with the exit code. Should not throw. */
  run(argv: string[]): Promise<number> | number;
}

/** Registered subcommands, in help order. */
export const COMMANDS: Record<string, CliCommand> = {
  lint: { summary: 'check .ami scripts like the editor does (exit 1 on errors)', run: (argv) => runLint(argv) },
  send: { summary: 'send a .ami file\'s blocks and print every response and event as JSON lines', run: (argv) => runSend(argv) },
  run: { summary: 'run .ami scripts as tests: check @expect lines, report, --junit FILE (exit 1 on failure)', run: (argv) => runCommand(argv) },
  tail: { summary: 'stream events until Ctrl+C (--filter Event=Hangup, --json)', run: (argv) => tailCommand(argv) },
  capture: { summary: 'record a session (redacted) to FILE.txt + .sent.txt + .meta.txt for ami replay', run: (argv) => captureCommand(argv) },
  replay: { summary: 'serve a capture as a fake AMI server on 127.0.0.1 (prints the port)', run: (argv) => replayCommand(argv) },
};

/** Exit code for bad usage (unknown command, bad options). */
const EXIT_USAGE = 2;

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return [
    `ami ${version}: Asterisk Manager Interface scripts from the command line`,
    '',
    'usage: ami <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run ami <command> --help for the options of a command.',
    '  ami --version    print the version',
  ].join('\n');
}

/** Runs `ami` with `argv` (without node and the script path); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  guardProcessOutput();
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${help()}\n`);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = ownValue(COMMANDS, name);
  if (!command) {
    process.stderr.write(`ami: unknown command "${name}"; the commands are ${Object.keys(COMMANDS).join(', ')} (ami --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    process.stderr.write(`ami ${name}: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
