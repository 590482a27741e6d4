/**
 * Writes an inference response as Triton's HTTP frontend does: a JSON header and, when any
 * output is sent as binary data, the raw tensors after it with Inference-Header-Content-Length.
 */
import { JsonObject } from './config-source';
import { PlannedOutput } from './infer-validation';
import { Tensor, valuesToBinary, valuesToJson } from './tensor-codec';

/** A ready-to-send response: body and the headers that describe it. */
export interface EncodedResponse {
  body: Buffer;
  headers: Record<string, string>;
}

/** Encodes the results of one inference. */
export function encodeInferResponse(
  request: { id: string },
  model: { name: string; version: number },
  planned: readonly PlannedOutput[],
  results: readonly Tensor[],
): EncodedResponse {
  const header: JsonObject = {};
  if (request.id !== '') header.id = request.id;
  header.model_name = model.name;
  header.model_version = String(model.version);

  const blobs: Buffer[] = [];
  const outputs: JsonObject[] = [];
  results.forEach((tensor, index) => {
    const output: JsonObject = {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: tensor.shape,
    };
    if (planned[index]?.binary === true) {
      const blob = valuesToBinary(tensor.values);
      output.parameters = { binary_data_size: blob.length };
      if (blob.length > 0) blobs.push(blob);
    } else {
      output.data = valuesToJson(tensor.datatype, tensor.values);
    }
    outputs.push(output);
  });
  header.outputs = outputs;

  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (blobs.length === 0) {
    return { body: json, headers: { 'Content-Type': 'application/json' } };
  }
  return {
    body: Buffer.concat([json, ...blobs]),
    headers: {
      'Content-Type': 'application/octet-stream',
      'Inference-Header-Content-Length': String(json.length),
    },
  };
}
