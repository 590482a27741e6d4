import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseVsoCommands, type VsoCommand } from './vso-commands';

/** Repository root, from out/test/harness (compiled) or test/harness (source). */
export const REPO_ROOT = path.resolve(
  __dirname,
  '..',
  '..',
  __dirname.includes('/out/') ? '..' : '',
);

/** A service connection as the agent hands it to a task. */
export interface EndpointFixture {
  url: string;
  scheme: 'None' | 'UsernamePassword' | 'Token';
  parameters?: Record<string, string>;
  data?: Record<string, string>;
}

/** How to run one bundled task. */
export interface TaskRunOptions {
  inputs?: Record<string, string>;
  /** Service connections by id; refer to them from an input by that id. */
  endpoints?: Record<string, EndpointFixture>;
  /** Pipeline variables by their dotted names, e.g. `Build.BuildId`. */
  variables?: Record<string, string>;
  /** Secret pipeline variables: reach the task as SECRET_<NAME>, as the agent passes them. */
  secretVariables?: Record<string, string>;
  /** Extra raw environment variables (e.g. MLFLOW_TRACKING_URI). */
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Send SIGINT after this many ms (the agent's cancellation). */
  cancelAfterMs?: number;
  /** Called with each chunk of stdout as it arrives. */
  onOutput?: (chunk: string) => void;
}

/** What the agent would see from the run. */
export interface TaskRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  commands: VsoCommand[];
  /** `Succeeded`, `SucceededWithIssues`, `Failed`, ... from task.complete; undefined if none. */
  result: string | undefined;
  resultMessage: string;
  variables: Map<string, { value: string; isOutput: boolean; isSecret: boolean }>;
  errors: VsoCommand[];
  warnings: VsoCommand[];
  secrets: string[];
  /** Contents of the files uploaded as build summaries. */
  summaries: string[];
  /** Plain log lines (not logging commands). */
  logLines: string[];
  /** Output with the setsecret commands removed: where no secret may ever appear. */
  visibleOutput: string;
  durationMs: number;
}

/** The agent's temp folder for one run. */
function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'task-run-'));
}

/** Runs dist/tasks/<name>/index.js as a child process with the agent's environment. */
export async function runBundledTask(
  name: string,
  options: TaskRunOptions = {},
): Promise<TaskRunResult> {
  const script = path.join(REPO_ROOT, 'dist', 'tasks', name, 'index.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  const temp = makeTempDir();
  const env = agentEnvironment(temp, options);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: options.cwd ?? temp,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const cancel =
      options.cancelAfterMs !== undefined
        ? setTimeout(() => child.kill('SIGINT'), options.cancelAfterMs)
        : undefined;
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timeout);
      if (cancel) clearTimeout(cancel);
      const run = readRun(stdout, stderr, exitCode, signal, Date.now() - started);
      fs.rmSync(temp, { recursive: true, force: true });
      resolve(run);
    });
  });
}

function agentEnvironment(temp: string, options: TaskRunOptions): NodeJS.ProcessEnv {
  // A clean environment: nothing of the test process (MLFLOW_*, AWS_*) leaks into the task.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AGENT_TEMPDIRECTORY: temp,
    AGENT_VERSION: '4.266.2',
    AGENT_JOBNAME: 'Job',
    SYSTEM_DEFAULTWORKINGDIRECTORY: options.cwd ?? temp,
    SYSTEM_CULTURE: 'en-US',
  };
  for (const [name, value] of Object.entries(options.variables ?? {})) {
    env[variableEnvName(name)] = value;
  }
  for (const [name, value] of Object.entries(options.secretVariables ?? {})) {
    env[`SECRET_${variableEnvName(name)}`] = value;
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [id, endpoint] of Object.entries(options.endpoints ?? {})) {
    // The agent names these variables with the connection's id as is (a GUID in real runs).
    const key = id;
    env[`ENDPOINT_URL_${key}`] = endpoint.url;
    env[`ENDPOINT_AUTH_${key}`] = JSON.stringify({
      scheme: endpoint.scheme,
      parameters: endpoint.parameters ?? {},
    });
    env[`ENDPOINT_AUTH_SCHEME_${key}`] = endpoint.scheme;
    for (const [param, value] of Object.entries(endpoint.parameters ?? {})) {
      env[`ENDPOINT_AUTH_PARAMETER_${key}_${param.toUpperCase()}`] = value;
    }
    for (const [field, value] of Object.entries(endpoint.data ?? {})) {
      env[`ENDPOINT_DATA_${key}_${field.toUpperCase()}`] = value;
    }
  }
  Object.assign(env, options.env ?? {});
  return env;
}

/** The environment variable name the agent gives a pipeline variable. */
export function variableEnvName(name: string): string {
  return name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase();
}

function readRun(
  stdout: string,
  stderr: string,
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  durationMs: number,
): TaskRunResult {
  const commands = parseVsoCommands(stdout);
  const complete = [...commands].reverse().find((c) => c.name === 'task.complete');
  const variables = new Map<string, { value: string; isOutput: boolean; isSecret: boolean }>();
  for (const command of commands.filter((c) => c.name === 'task.setvariable')) {
    const name = command.properties.variable ?? '';
    variables.set(name, {
      value: command.message,
      isOutput: command.properties.isOutput === 'true',
      isSecret: command.properties.issecret === 'true',
    });
  }
  const issues = commands.filter((c) => c.name === 'task.logissue' || c.name === 'task.issue');
  const summaries = commands
    .filter(
      (c) =>
        c.name === 'task.uploadsummary' ||
        (c.name === 'task.addattachment' && c.properties.type === 'Distributedtask.Core.Summary'),
    )
    .map((c) => (fs.existsSync(c.message) ? fs.readFileSync(c.message, 'utf8') : ''));
  const lines = stdout.split(/\r?\n/);
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    commands,
    result: complete?.properties.result,
    resultMessage: complete?.message ?? '',
    variables,
    errors: issues.filter((c) => c.properties.type === 'error'),
    warnings: issues.filter((c) => c.properties.type === 'warning'),
    secrets: commands.filter((c) => c.name === 'task.setsecret').map((c) => c.message),
    summaries,
    logLines: lines.filter((line) => !line.startsWith('##vso[')),
    visibleOutput: [
      ...lines.filter((line) => !line.startsWith('##vso[task.setsecret]')),
      stderr,
    ].join('\n'),
    durationMs,
  };
}
