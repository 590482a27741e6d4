/**
 * What a live validation needs to know, checked once before anything is sent: unusable
 * options end the run with a LiveInputError that names the option and the fix.
 */
import type { RetryPolicy, TimeoutSettings, TlsSettings } from '../../http/settings';
import { UserError } from '../../user-error';

/** How the model gets onto the server. */
export type LiveMode = 'wait' | 'load';

/** Timed requests after the smoke inference. */
export interface LatencyOptions {
  /** Number of timed requests; 0 skips the latency test. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** The validation fails when the 95th percentile is above this. */
  p95BudgetMs?: number;
}

/** The options of {@link validateLive}. */
export interface LiveValidationOptions {
  /** Base URL of Triton's HTTP port (KServe v2), e.g. http://triton-staging:8000. */
  tritonUrl: string;
  modelName: string;
  /** The version to validate; undefined lets Triton choose. */
  modelVersion?: number;
  /** `wait` for a model already deployed, or `load` it through the repository API. */
  mode: LiveMode;
  /** How long to wait for the server and the model to be ready (and for a load to finish). */
  readyTimeoutMs: number;
  /** Pause between readiness polls; 1000 ms unless set. */
  pollIntervalMs?: number;
  /** The local model folder (config.pbtxt and version folders); required to load. */
  modelFolder?: string;
  /** Unload the model once the validation is done. */
  unloadAfter?: boolean;
  /** A JSON sample request with expected outputs; otherwise one is built from the metadata. */
  sampleRequestFile?: string;
  latency?: LatencyOptions;
  /** How to reach Triton beyond its URL. */
  connection?: {
    tls?: TlsSettings;
    retry?: Partial<RetryPolicy>;
    timeouts?: Partial<TimeoutSettings>;
  };
  /** Progress lines for the task log. */
  log?: (line: string) => void;
  /** Debug lines (requests and their answers). */
  debug?: (line: string) => void;
}

/** An option or file the validation cannot work with; the fix is in the message. */
export class LiveInputError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'LiveInputError';
  }
}

/** Checks the options that need no file or server; throws a LiveInputError naming the fix. */
export function checkLiveOptions(options: LiveValidationOptions): void {
  let url: URL | undefined;
  try {
    url = new URL(options.tritonUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new LiveInputError(
      `Triton URL "${options.tritonUrl}" is not an http or https URL: give the base URL of ` +
        "Triton's HTTP port, e.g. http://triton-staging:8000.",
    );
  }
  if (options.modelName.trim() === '' || /[/\\]/.test(options.modelName)) {
    throw new LiveInputError(
      `Model name "${options.modelName}" cannot name a Triton model: give the model folder's ` +
        "name in Triton's repository, without slashes.",
    );
  }
  const version = options.modelVersion;
  if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) {
    throw new LiveInputError(
      `Model version ${version} is not a version Triton serves: give a whole number from 1, ` +
        'or leave it empty to let Triton choose.',
    );
  }
  if (!(options.readyTimeoutMs > 0)) {
    throw new LiveInputError(
      `Ready timeout ${options.readyTimeoutMs} ms is not a positive time: give the seconds to ` +
        'wait for the model, e.g. 120.',
    );
  }
  if (options.mode === 'load' && options.modelFolder === undefined) {
    throw new LiveInputError(
      'Loading the model needs the local model folder (config.pbtxt and version folders): ' +
        'give the folder, or choose to wait for a model already deployed.',
    );
  }
  checkLatencyOptions(options.latency);
}

function checkLatencyOptions(latency: LatencyOptions | undefined): void {
  if (latency === undefined) return;
  if (!Number.isSafeInteger(latency.requests) || latency.requests < 0) {
    throw new LiveInputError(
      `Latency requests ${latency.requests} is not a count: give a whole number, 0 to skip.`,
    );
  }
  if (!Number.isSafeInteger(latency.concurrency) || latency.concurrency < 1) {
    throw new LiveInputError(
      `Concurrency ${latency.concurrency} is not a count of requests in flight: give a whole ` +
        'number from 1.',
    );
  }
  const budget = latency.p95BudgetMs;
  if (budget !== undefined && !(budget > 0)) {
    throw new LiveInputError(
      `p95 budget ${budget} ms is not a positive time: give milliseconds, e.g. 50, or leave ` +
        'it empty to report only.',
    );
  }
}
