/** Real ONNX test models and the Triton model folders that serve them. */
export {
  buildAddSubModel,
  buildBrokenModel,
  buildClassifierModel,
  buildIdentityModel,
  classifierProbabilities,
  ClassifierWeights,
  DEFAULT_CLASSIFIER_WEIGHTS,
  IdentityDataType,
  SAMPLE_MAX_BATCH_SIZE,
} from './sample-models';
export {
  loadRequestBody,
  ModelFolderOptions,
  renderConfigJson,
  renderConfigPbtxt,
  TestModel,
  TritonConfigDataType,
  TritonModelConfigSpec,
  TritonTensorSpec,
  writeTritonModelFolder,
} from './triton-model-folder';
export { encodeOnnxModel, OnnxGraph } from './onnx-graph';
