/** The KServe v2 HTTP client for Triton and the types it speaks. */
export {
  KserveClient,
  modelPath,
  tritonTransportSettings,
  type CallOptions,
  type KserveClientOptions,
  type LoadRequest,
  type ModelReadiness,
} from './kserve-client';
export type {
  InferRequest,
  InferResult,
  JsonObject,
  JsonValue,
  ModelMetadata,
  RepositoryIndexEntry,
  RequestedOutput,
  ServerMetadata,
  Tensor,
  TensorElement,
  TensorMetadata,
} from './kserve-types';
export { TritonCallError } from './triton-call-error';
