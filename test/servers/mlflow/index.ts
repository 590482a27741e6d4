export {
  type MlflowServerOptions,
  type MlflowTestServer,
  type RequestLogEntry,
  startMlflowServer,
} from './server';
export type { FaultSpec, ActiveFault } from './faults';
export type { RegistrationBehaviour } from './router';
export type { S3Endpoint } from './s3-access';
export type { AuthOptions } from './auth/basic-auth';
export type {
  Experiment,
  LoggedModel,
  MetricPoint,
  ModelVersion,
  MlflowStore,
  RegisteredModel,
  Run,
} from './store';
export type { StoredArtifact } from './artifact-storage';
