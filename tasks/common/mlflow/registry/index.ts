/**
 * The model registry as the tasks use it: alias rules and alias moves, versions, waiting for
 * READY, idempotent registration, and finding a run's model on MLflow 2 and 3.
 */
export { aliasNameProblem, checkAliasName, MAX_ALIAS_LENGTH } from './alias-name';
export { deleteAlias, getAliasVersion, setAlias } from './aliases';
export {
  type AliasMove,
  type AliasMover,
  aliasTagKey,
  describeMover,
  recordAliasMove,
} from './alias-audit';
export {
  type EnsuredModel,
  ensureRegisteredModel,
  findRegisteredModel,
  requireRegisteredModel,
} from './registered-model';
export {
  REGISTRATION_MARKER_TAG,
  type RegistrationRequest,
  type RegistrationResult,
  findEarlierRegistration,
  registerVersion,
} from './registration';
export { modelUiUrl, modelVersionUri, runUiUrl, serverBase, versionUiUrl } from './registry-links';
export {
  type LocationInputs,
  type ModelLocation,
  type ResolvedSource,
  findRunLoggedModel,
  requireRun,
  resolveModelSource,
} from './run-model';
export { appendToUri, isLocalPath, parseRunsUri, type RunsUri } from './source-uri';
export {
  checkVersionNumber,
  filterLiteral,
  findVersion,
  getVersion,
  searchVersions,
  setVersionTags,
} from './versions';
export { type WaitOptions, waitUntilReady } from './wait-ready';
