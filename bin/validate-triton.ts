/**
 * `validate-triton`: checks a Triton model repository, a model folder or a config.pbtxt before
 * it is committed or deployed, and prints each finding as `file:line:col: severity rule:
 * message (fix)`, the form editors and CI logs link to the file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../tasks/common/triton/finding';
import {
  ValidationOptions,
  ValidationResult,
  validateConfigText,
  validateModelRepository,
} from '../tasks/common/triton/validate';

const USAGE = `Usage: validate-triton <model-repository | model-folder | config.pbtxt> [options]

Checks Triton model configurations offline, the way Triton checks them when it loads a model.

Options:
  --json               print the result as JSON
  --fail-on-warning    exit with 1 when there are warnings, not only errors
  --gpus <n>           the target server has n GPUs (GPU rules become errors, not warnings)
  --no-folder-name     do not require the model folder to be named after the model
  --no-onnx            do not compare model.onnx with the config
  -h, --help           show this help

Exit codes: 0 passed, 1 findings that fail the check, 2 wrong usage.`;

interface CliArguments {
  target: string;
  json: boolean;
  failOnWarning: boolean;
  options: ValidationOptions;
}

/** Writes one line of output; replaced in tests. */
export type LineWriter = (line: string) => void;

function parseArguments(argv: string[]): CliArguments | string {
  const parsed: CliArguments = { target: '', json: false, failOnWarning: false, options: {} };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') parsed.json = true;
    else if (arg === '--fail-on-warning') parsed.failOnWarning = true;
    else if (arg === '--no-folder-name') parsed.options.checkFolderName = false;
    else if (arg === '--no-onnx') parsed.options.checkOnnxSignature = false;
    else if (arg === '--gpus' || arg.startsWith('--gpus=')) {
      const value = arg.includes('=') ? arg.slice('--gpus='.length) : argv[(i += 1)];
      if (value === undefined || !/^\d+$/.test(value)) {
        return `--gpus needs a whole number of GPUs, got '${value ?? ''}'.`;
      }
      parsed.options.gpuCount = Number(value);
    } else if (arg.startsWith('-')) {
      return `Unknown option '${arg}'.`;
    } else if (parsed.target !== '') {
      return `Give one folder or file to validate; got '${parsed.target}' and '${arg}'.`;
    } else {
      parsed.target = arg;
    }
  }
  return parsed.target === '' ? 'Give the folder or config.pbtxt to validate.' : parsed;
}

/** Formats a finding as `file:line:col: severity rule: message (fix)`. */
export function formatFinding(finding: Finding, shownRoot: string): string {
  const file = finding.file === '' ? shownRoot : path.join(shownRoot, finding.file);
  const place = finding.line > 0 ? `${file}:${finding.line}:${finding.column}` : file;
  const fix = finding.fix === undefined ? '' : ` (${finding.fix})`;
  return `${place}: ${finding.severity} ${finding.rule}: ${finding.message}${fix}`;
}

async function validateTarget(
  target: string,
  options: ValidationOptions,
): Promise<ValidationResult> {
  const stat = await fs.stat(target).catch(() => undefined);
  if (stat?.isFile() === true) {
    const text = await fs.readFile(target, 'utf8');
    return validateConfigText(text, path.basename(target), options);
  }
  return validateModelRepository(target, options);
}

/** Runs the command with its arguments (without the command name); returns the exit code. */
export async function validateTritonCli(
  argv: string[],
  write: LineWriter = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    write(USAGE);
    return 0;
  }
  const args = parseArguments(argv);
  if (typeof args === 'string') {
    write(`validate-triton: ${args}`);
    write(USAGE);
    return 2;
  }

  const result = await validateTarget(args.target, args.options);
  const isFile = result.root === '';
  const shownRoot = isFile ? path.dirname(args.target) : args.target;
  const fails = result.summary.errors > 0 || (args.failOnWarning && result.summary.warnings > 0);

  if (args.json) {
    write(JSON.stringify({ target: args.target, ...result, failed: fails }, null, 2));
  } else {
    for (const finding of result.findings) write(formatFinding(finding, shownRoot));
    const { models, errors, warnings } = result.summary;
    write(
      `${models} model(s) checked: ${errors} error(s), ${warnings} warning(s). ` +
        (fails ? 'FAILED' : 'PASSED'),
    );
  }
  return fails ? 1 : 0;
}
