// Runs one bundled task on this machine the way the agent would:
//   npm run task -- <TaskName> [input=value ...]
// Inputs become INPUT_* variables; the MLflow server comes from MLFLOW_TRACKING_URI and the
// other variables MLflow's client reads, taken from your shell. Build first (npm run build).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [task, ...pairs] = process.argv.slice(2);
const tasks = fs.existsSync(path.join(root, 'dist', 'tasks'))
  ? fs.readdirSync(path.join(root, 'dist', 'tasks'))
  : [];
if (!task || !tasks.includes(task)) {
  console.error(`usage: npm run task -- <${tasks.join('|') || 'TaskName'}> [input=value ...]`);
  console.error('Run npm run build first. The MLflow server comes from MLFLOW_TRACKING_URI.');
  process.exit(2);
}

const env = { ...process.env };
for (const pair of pairs) {
  const at = pair.indexOf('=');
  if (at <= 0) {
    console.error(`"${pair}" is not input=value`);
    process.exit(2);
  }
  env[`INPUT_${pair.slice(0, at).toUpperCase()}`] = pair.slice(at + 1).replace(/\\n/g, '\n');
}
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'task-'));
env.AGENT_TEMPDIRECTORY ??= temp;
env.SYSTEM_DEFAULTWORKINGDIRECTORY ??= process.cwd();
env.BUILD_SOURCESDIRECTORY ??= process.cwd();

// The agent reads the result from the task's logging commands, not its exit code; a local run
// turns a Failed result into a failing exit so that `npm run task ... && next` stops.
const child = spawn(process.execPath, [path.join(root, 'dist', 'tasks', task, 'index.js')], {
  env,
  stdio: ['inherit', 'pipe', 'inherit'],
});
let failed = false;
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  if (/##vso\[task\.complete result=(Failed|Cancelled);/.test(pending)) failed = true;
  pending = pending.slice(-200);
});
child.on('close', (code) => process.exit(code !== 0 ? (code ?? 1) : failed ? 1 : 0));
