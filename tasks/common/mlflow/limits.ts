/** MLflow's limits on one log-batch request and on keys and values (MLflow 2.x and 3.x). */
export const MLFLOW_LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** The server refuses bodies over 1 MB; we keep a margin for the JSON around the entries. */
  batchBytes: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  /** What MLflow servers before 2.11 accept for a parameter value. */
  legacyParamValueLength: 500,
  tagValueLength: 5000,
} as const;

// Python's \w is Unicode-aware, hence letters and digits of any script.
const VALID_KEY = /^[/\p{L}\p{N}\p{M}_.\- ]*$/u;

/**
 * Why MLflow would refuse a param, metric or tag key, or undefined when it accepts it. The
 * rules are MLflow's own: allowed characters, length, and keys that are not unique as paths.
 */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the key is empty';
  if (key.length > MLFLOW_LIMITS.keyLength) {
    return `the key is ${key.length} characters long; MLflow allows ${MLFLOW_LIMITS.keyLength}`;
  }
  if (!VALID_KEY.test(key)) {
    return (
      'MLflow keys may only contain letters, digits, underscores (_), dashes (-), ' +
      'periods (.), spaces and slashes (/)'
    );
  }
  if (!isUniquePath(key)) {
    return (
      'MLflow treats keys as file paths, so a key may not start with / or .., end with /, ' +
      'or contain // or /./'
    );
  }
  return undefined;
}

function isUniquePath(key: string): boolean {
  const segments = key.split('/');
  if (key.startsWith('/') || key === '.' || key.startsWith('..')) return false;
  return segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
