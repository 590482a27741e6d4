/** The live validation on a staging Triton: the entry, its options, its report and rendering. */
export { validateLive } from './validate-live';
export {
  checkLiveOptions,
  LiveInputError,
  type LatencyOptions,
  type LiveMode,
  type LiveValidationOptions,
} from './live-options';
export {
  findCheck,
  type CheckId,
  type CheckStatus,
  type LatencyStats,
  type LiveCheck,
  type LiveReport,
} from './live-report';
export { renderLiveReport, summarizeLiveReport } from './report-markdown';
export { DEFAULT_TOLERANCE, type Tolerance } from './sample-request';
