/** A linear layer (features x classes) and a bias per class, followed by softmax. */
export interface LinearSoftmax {
  weights: number[][];
  bias: number[];
}

/** Per-epoch figures, as the training logs them. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
}

/** Column means and standard deviations, for standardising the inputs while training. */
function standardisation(rows: number[][]): { mean: number[]; std: number[] } {
  const columns = rows[0]?.length ?? 0;
  const mean = Array.from(
    { length: columns },
    (_, c) => rows.reduce((sum, row) => sum + (row[c] ?? 0), 0) / rows.length,
  );
  const std = mean.map(
    (m, c) =>
      Math.sqrt(rows.reduce((sum, row) => sum + ((row[c] ?? 0) - m) ** 2, 0) / rows.length) || 1,
  );
  return { mean, std };
}

/** Class probabilities of one row. */
export function predict(model: LinearSoftmax, row: readonly number[]): number[] {
  const logits = model.bias.map((b, k) =>
    row.reduce((sum, x, i) => sum + x * (model.weights[i]?.[k] ?? 0), b),
  );
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

function evaluate(
  model: LinearSoftmax,
  rows: number[][],
  labels: number[],
): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  rows.forEach((row, n) => {
    const p = predict(model, row);
    const label = labels[n] ?? 0;
    loss -= Math.log(Math.max(p[label] ?? 0, 1e-12));
    if (p.indexOf(Math.max(...p)) === label) correct++;
  });
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}

/**
 * Multinomial logistic regression by full-batch gradient descent on standardised inputs.
 * The returned model takes raw measurements: the standardisation is folded into its weights,
 * so the exported graph is just MatMul, Add and Softmax.
 */
export function trainSoftmaxRegression(
  data: {
    train: { features: number[][]; labels: number[] };
    validation: { features: number[][]; labels: number[] };
  },
  options: { epochs: number; learningRate: number; l2: number; classes: number },
  onEpoch: (metrics: EpochMetrics) => void,
): LinearSoftmax {
  const { mean, std } = standardisation(data.train.features);
  const scale = (rows: number[][]): number[][] =>
    rows.map((row) => row.map((x, c) => (x - (mean[c] ?? 0)) / (std[c] ?? 1)));
  const train = scale(data.train.features);
  const validation = scale(data.validation.features);
  const inputs = mean.length;
  const model: LinearSoftmax = {
    weights: Array.from({ length: inputs }, () => new Array<number>(options.classes).fill(0)),
    bias: new Array<number>(options.classes).fill(0),
  };
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const gradW = model.weights.map((row) => row.map(() => 0));
    const gradB = model.bias.map(() => 0);
    train.forEach((row, n) => {
      const p = predict(model, row);
      p.forEach((probability, k) => {
        const error = probability - (k === data.train.labels[n] ? 1 : 0);
        gradB[k] = (gradB[k] ?? 0) + error;
        row.forEach((x, i) => {
          const gradRow = gradW[i];
          if (gradRow) gradRow[k] = (gradRow[k] ?? 0) + error * x;
        });
      });
    });
    model.weights.forEach((row, i) =>
      row.forEach((w, k) => {
        const g = (gradW[i]?.[k] ?? 0) / train.length + options.l2 * w;
        row[k] = w - options.learningRate * g;
      }),
    );
    model.bias.forEach(
      (b, k) => (model.bias[k] = b - (options.learningRate * (gradB[k] ?? 0)) / train.length),
    );
    const trainFit = evaluate(model, train, data.train.labels);
    const validationFit = evaluate(model, validation, data.validation.labels);
    onEpoch({
      epoch,
      loss: trainFit.loss,
      trainAccuracy: trainFit.accuracy,
      valLoss: validationFit.loss,
      valAccuracy: validationFit.accuracy,
    });
  }
  return foldStandardisation(model, mean, std);
}

/** Rewrites the model to take raw inputs: w' = w / std, b' = b - sum(mean / std * w). */
function foldStandardisation(model: LinearSoftmax, mean: number[], std: number[]): LinearSoftmax {
  const weights = model.weights.map((row, i) => row.map((w) => w / (std[i] ?? 1)));
  const bias = model.bias.map(
    (b, k) =>
      b -
      model.weights.reduce(
        (sum, row, i) => sum + ((mean[i] ?? 0) / (std[i] ?? 1)) * (row[k] ?? 0),
        0,
      ),
  );
  return { weights, bias };
}
