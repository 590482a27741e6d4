/**
 * The package's command line, `mlflow-triton <command>` (in a clone, `npx mlflow-triton
 * <command>`): one entry that hands each command its arguments and returns its exit code.
 */
import { syncCli } from './sync';
import { type LineWriter, validateTritonCli } from './validate-triton';

/** A command: its arguments (without the command name) in, an exit code out. */
type Command = (argv: string[], write: LineWriter) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  'validate-triton': {
    run: validateTritonCli,
    summary: 'check a Triton model repository, model folder or config.pbtxt offline',
  },
  sync: {
    // The service writes its own JSON lines to stdout and runs until it is stopped.
    run: (argv) => syncCli(argv),
    summary: 'keep a Triton server serving what registry aliases point to (a service)',
  },
};

/** Exit code for wrong usage, as every command uses it. */
const USAGE_ERROR = 2;

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return [
    'Usage: mlflow-triton <command> [arguments]   (in a clone: npx mlflow-triton <command>)',
    '',
    'Commands:',
    ...lines,
    '',
    "Run a command with --help for its arguments, e.g. 'validate-triton --help'.",
  ].join('\n');
}

/** Runs the command line's arguments (without node and the script); returns the exit code. */
export async function runCli(
  argv: string[],
  write: LineWriter = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    write(usage());
    return name === undefined ? USAGE_ERROR : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    write(`Unknown command '${name}'.`);
    write(usage());
    return USAGE_ERROR;
  }
  return command.run(rest, write);
}

// Runs only as the program itself, so tests can import runCli without starting it.
if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Commands report their own problems; reaching this is a defect, shown without a stack.
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`mlflow-triton: unexpected error: ${message}\n`);
      process.exitCode = 1;
    },
  );
}
