// Makes the .vsix from dist/ with tfx-cli, offline. dist/ holds only bundles, task.json files,
// lib.json, icons and the manifest: no node_modules.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tfx = path.join(root, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js');
const outDir = path.join(root, 'out', 'vsix');
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

execFileSync(
  process.execPath,
  [
    tfx,
    'extension',
    'create',
    '--root',
    dist,
    '--manifest-globs',
    'vss-extension.json',
    '--output-path',
    outDir,
    '--no-prompt',
    '--no-color',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TFX_TRACE: '' } },
);
const vsix = fs.readdirSync(outDir).find((name) => name.endsWith('.vsix'));
if (!vsix) throw new Error('tfx did not produce a .vsix');
const size = fs.statSync(path.join(outDir, vsix)).size;
console.log(`packaged out/vsix/${vsix} (${(size / 1024 / 1024).toFixed(2)} MB)`);
