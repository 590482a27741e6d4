// Bundles each task with esbuild into dist/tasks/<Task>/index.js, beside a copy of its
// task.json stamped with a rising patch version and task-lib's lib.json (task-lib loads it from
// the folder of the running file). Also bundles the command-line entry and stamps the manifest.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tasksDir = path.join(root, 'tasks');
const libJson = path.join(root, 'node_modules', 'azure-pipelines-task-lib', 'lib.json');

// Minutes since 2025-01-01: rises with every build, fits the patch field, and stays the same
// for all tasks of one build so the extension and its tasks move together.
const patch = Math.floor((Date.now() - Date.UTC(2025, 0, 1)) / 60000);

const taskNames = fs
  .readdirSync(tasksDir)
  .filter((name) => fs.existsSync(path.join(tasksDir, name, 'task.json')))
  .sort();

// dist/ is updated in place, each file replaced by a rename, so a test that runs a task while
// another build is under way never sees a half-written bundle.
fs.mkdirSync(dist, { recursive: true });

function writeAtomically(file, content) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

async function bundle(entry, outfile, extra = {}) {
  const result = await esbuild.build({
    ...common,
    ...extra,
    entryPoints: [entry],
    outfile,
    write: false,
  });
  for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // onnxruntime-node is a test-only native dependency; tasks never load it.
  external: ['onnxruntime-node'],
};

await Promise.all(
  taskNames.map(async (name) => {
    const out = path.join(dist, 'tasks', name);
    fs.mkdirSync(out, { recursive: true });
    await bundle(path.join(tasksDir, name, 'index.ts'), path.join(out, 'index.js'));
    const task = JSON.parse(fs.readFileSync(path.join(tasksDir, name, 'task.json'), 'utf8'));
    task.version = { ...task.version, Patch: patch };
    writeAtomically(path.join(out, 'task.json'), `${JSON.stringify(task, null, 2)}\n`);
    fs.copyFileSync(libJson, path.join(out, 'lib.json'));
    const icon = path.join(root, 'images', 'task-icon.png');
    if (fs.existsSync(icon)) fs.copyFileSync(icon, path.join(out, 'icon.png'));
  }),
);

if (fs.existsSync(path.join(root, 'bin', 'cli.ts'))) {
  fs.mkdirSync(path.join(dist, 'cli'), { recursive: true });
  await bundle(path.join(root, 'bin', 'cli.ts'), path.join(dist, 'cli', 'cli.js'), {
    banner: { js: '#!/usr/bin/env node' },
  });
  fs.copyFileSync(libJson, path.join(dist, 'cli', 'lib.json'));
}

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'vss-extension.json'), 'utf8'));
const [major, minor] = manifest.version.split('.');
manifest.version = `${major}.${minor}.${patch}`;
fs.writeFileSync(path.join(dist, 'vss-extension.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const file of ['README.md', 'LICENSE']) {
  if (fs.existsSync(path.join(root, file)))
    fs.copyFileSync(path.join(root, file), path.join(dist, file));
}
fs.cpSync(path.join(root, 'images'), path.join(dist, 'images'), { recursive: true });

console.log(`built ${taskNames.length} tasks (patch ${patch}) into ${path.relative(root, dist)}/`);
