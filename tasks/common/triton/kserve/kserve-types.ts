/**
 * The KServe v2 protocol's messages as Triton's HTTP frontend sends and accepts them, and the
 * flat tensor form the client hands to callers.
 */

/** A JSON value, as read from a response. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** GET /v2: the server's name, version and protocol extensions. */
export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

/** One input or output in a model's metadata; the shape includes the batch dimension (-1). */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** GET /v2/models/{name}[/versions/{v}]. */
export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** One entry of POST /v2/repository/index. */
export interface RepositoryIndexEntry {
  name: string;
  version?: string;
  /** READY, UNAVAILABLE, LOADING, UNLOADING; absent for a model never loaded. */
  state?: string;
  /** Why the version is in that state, e.g. the load error. */
  reason?: string;
}

/** One element of a tensor, in the form JSON and the caller use. */
export type TensorElement = number | boolean | string;

/** A tensor with its elements flattened in row-major order. */
export interface Tensor {
  name: string;
  /** KServe v2 type name: FP32, INT64, BYTES, ... */
  datatype: string;
  /** The full shape, batch dimension included. */
  shape: number[];
  data: TensorElement[];
}

/** An output the request asks for; binary asks for the binary tensor data extension. */
export interface RequestedOutput {
  name: string;
  binary?: boolean;
}

/** An inference request, as the caller describes it. */
export interface InferRequest {
  id?: string;
  inputs: Tensor[];
  /** The outputs to return; all of the model's outputs when absent. */
  outputs?: RequestedOutput[];
  /** Send every input as binary data (FP16 and BF16 inputs always are). */
  binaryInputs?: boolean;
}

/** An inference response, with every output decoded to flat elements. */
export interface InferResult {
  id?: string;
  modelName: string;
  modelVersion: string;
  outputs: Tensor[];
}
