import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { validateTritonCli } from '../../../bin/validate-triton';
import { removeTree, writeTree } from './temp-repository';

const GOOD = `name: "m"
backend: "python"
max_batch_size: 4
input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }
output { name: "y" data_type: TYPE_FP32 dims: [ 2 ] }
`;

async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await validateTritonCli(argv, (line) => lines.push(line));
  return { code, lines };
}

describe('validate-triton command', () => {
  let root = '';
  before(() => {
    root = writeTree({
      'good/m/config.pbtxt': GOOD,
      'good/m/1/model.py': 'pass\n',
      'warn/m/config.pbtxt': `${GOOD}instance_group { kind: KIND_GPU }\n`,
      'warn/m/1/model.py': 'pass\n',
      'bad/m/config.pbtxt': GOOD.replace('max_batch_size: 4', 'max_batch_size: -4'),
      'bad/m/1/model.py': 'pass\n',
      'text/config.pbtxt': 'name: "t"\nmax_batch: 4\n',
    });
  });
  after(() => removeTree(root));

  it('passes a good repository with exit code 0', async () => {
    const { code, lines } = await run([path.join(root, 'good')]);
    assert.equal(code, 0);
    assert.deepEqual(lines, ['1 model(s) checked: 0 error(s), 0 warning(s). PASSED']);
  });

  it('prints errors as file:line:col: severity rule: message (fix) and exits 1', async () => {
    const folder = path.join(root, 'bad');
    const { code, lines } = await run([folder]);
    assert.equal(code, 1);
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^${folder.replace(/[/\\\\]/g, '.')}.m.config\\.pbtxt:3:1: ` +
          `error config\\.max-batch-size: ` +
          `'max_batch_size' must be a non-negative value .*\\(Use 0 .*\\)$`,
      ),
    );
    assert.match(lines.at(-1) ?? '', /1 error\(s\), 0 warning\(s\)\. FAILED$/);
  });

  it('passes warnings unless --fail-on-warning is given', async () => {
    const folder = path.join(root, 'warn');
    assert.equal((await run([folder])).code, 0);
    assert.equal((await run([folder, '--fail-on-warning'])).code, 1);
  });

  it('turns the GPU warning into an error with --gpus 0', async () => {
    const { code, lines } = await run([path.join(root, 'warn'), '--gpus', '0']);
    assert.equal(code, 1);
    assert.match(lines[0] ?? '', /error instance-group\.gpu-required/);
  });

  it('validates a single config.pbtxt file, with a did-you-mean', async () => {
    const file = path.join(root, 'text', 'config.pbtxt');
    const { code, lines } = await run([file]);
    assert.equal(code, 1);
    assert.equal(
      lines[0]?.startsWith(`${file}:2:1: error pbtxt.unknown-field:`) &&
        lines[0].includes('Did you mean "max_batch_size"?'),
      true,
      lines[0],
    );
  });

  it('prints JSON with --json', async () => {
    const { code, lines } = await run(['--json', path.join(root, 'bad')]);
    assert.equal(code, 1);
    const parsed = JSON.parse(lines.join('\n')) as {
      failed: boolean;
      summary: { errors: number };
      findings: Array<{ rule: string; file: string; line: number }>;
    };
    assert.equal(parsed.failed, true);
    assert.equal(parsed.summary.errors, 1);
    assert.deepEqual(
      parsed.findings.map((f) => [f.rule, f.file, f.line]),
      [['config.max-batch-size', 'm/config.pbtxt', 3]],
    );
  });

  it('exits 2 with usage on a wrong option or no target', async () => {
    const unknown = await run(['--frobnicate', root]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.lines[0] ?? '', /Unknown option '--frobnicate'/);
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['--gpus', 'many', root])).code, 2);
  });

  it('reports a missing folder as a finding, not a crash', async () => {
    const { code, lines } = await run([path.join(root, 'nope')]);
    assert.equal(code, 1);
    assert.match(lines[0] ?? '', /error input\.folder: The folder .* does not exist/);
  });
});
