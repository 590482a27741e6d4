/**
 * Triton's ModelConfig schema (package `inference`, triton-inference-server/common
 * protobuf/model_config.proto), described field by field with the same names, numbers, types,
 * repeated/map shapes, oneofs and enum values, so the parser checks a config.pbtxt as Triton's
 * protobuf reader does.
 */
import { buildSchema, enumType, message, MessageDescriptor, ProtoSchema } from './proto-schema';

const P = 'inference';

const ENUMS = [
  enumType(`${P}.DataType`, {
    TYPE_INVALID: 0,
    TYPE_BOOL: 1,
    TYPE_UINT8: 2,
    TYPE_UINT16: 3,
    TYPE_UINT32: 4,
    TYPE_UINT64: 5,
    TYPE_INT8: 6,
    TYPE_INT16: 7,
    TYPE_INT32: 8,
    TYPE_INT64: 9,
    TYPE_FP16: 10,
    TYPE_FP32: 11,
    TYPE_FP64: 12,
    TYPE_STRING: 13,
    TYPE_BF16: 14,
  }),
  enumType(`${P}.ModelInstanceGroup.Kind`, {
    KIND_AUTO: 0,
    KIND_GPU: 1,
    KIND_CPU: 2,
    KIND_MODEL: 3,
  }),
  enumType(`${P}.ModelInstanceGroup.SecondaryDevice.SecondaryDeviceKind`, { KIND_NVDLA: 0 }),
  enumType(`${P}.ModelInput.Format`, { FORMAT_NONE: 0, FORMAT_NHWC: 1, FORMAT_NCHW: 2 }),
  enumType(`${P}.BatchInput.Kind`, {
    BATCH_ELEMENT_COUNT: 0,
    BATCH_ACCUMULATED_ELEMENT_COUNT: 1,
    BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO: 2,
    BATCH_MAX_ELEMENT_COUNT_AS_SHAPE: 3,
    BATCH_ITEM_SHAPE: 4,
    BATCH_ITEM_SHAPE_FLATTEN: 5,
  }),
  enumType(`${P}.BatchOutput.Kind`, { BATCH_SCATTER_WITH_INPUT_SHAPE: 0 }),
  enumType(`${P}.ModelOptimizationPolicy.ModelPriority`, {
    PRIORITY_DEFAULT: 0,
    PRIORITY_MAX: 1,
    PRIORITY_MIN: 2,
  }),
  enumType(`${P}.ModelQueuePolicy.TimeoutAction`, { REJECT: 0, DELAY: 1 }),
  enumType(`${P}.ModelSequenceBatching.Control.Kind`, {
    CONTROL_SEQUENCE_START: 0,
    CONTROL_SEQUENCE_READY: 1,
    CONTROL_SEQUENCE_END: 2,
    CONTROL_SEQUENCE_CORRID: 3,
  }),
];

const OPTIMIZATION = `${P}.ModelOptimizationPolicy`;
const GRAPH_SPEC = `${OPTIMIZATION}.Cuda.GraphSpec`;
const ACCELERATORS = `${OPTIMIZATION}.ExecutionAccelerators`;
const SEQUENCE = `${P}.ModelSequenceBatching`;
const METRIC_CONTROL = `${P}.ModelMetrics.MetricControl`;

const MESSAGES = [
  message(`${P}.ModelRateLimiter`, {
    resources: [1, 'repeated Resource'],
    priority: [2, 'uint32'],
  }),
  message(`${P}.ModelRateLimiter.Resource`, {
    name: [1, 'string'],
    global: [2, 'bool'],
    count: [3, 'uint32'],
  }),
  message(`${P}.ModelInstanceGroup`, {
    name: [1, 'string'],
    kind: [4, 'Kind'],
    count: [2, 'int32'],
    rate_limiter: [6, 'ModelRateLimiter'],
    gpus: [3, 'repeated int32'],
    secondary_devices: [8, 'repeated SecondaryDevice'],
    profile: [5, 'repeated string'],
    passive: [7, 'bool'],
    host_policy: [9, 'string'],
  }),
  message(`${P}.ModelInstanceGroup.SecondaryDevice`, {
    kind: [1, 'SecondaryDeviceKind'],
    device_id: [2, 'int64'],
  }),
  message(`${P}.ModelTensorReshape`, { shape: [1, 'repeated int64'] }),
  message(`${P}.ModelInput`, {
    name: [1, 'string'],
    data_type: [2, 'DataType'],
    format: [3, 'Format'],
    dims: [4, 'repeated int64'],
    reshape: [5, 'ModelTensorReshape'],
    is_shape_tensor: [6, 'bool'],
    allow_ragged_batch: [7, 'bool'],
    optional: [8, 'bool'],
    is_non_linear_format_io: [9, 'bool'],
  }),
  message(`${P}.ModelOutput`, {
    name: [1, 'string'],
    data_type: [2, 'DataType'],
    dims: [3, 'repeated int64'],
    reshape: [5, 'ModelTensorReshape'],
    label_filename: [4, 'string'],
    is_shape_tensor: [6, 'bool'],
    is_non_linear_format_io: [7, 'bool'],
  }),
  message(`${P}.BatchInput`, {
    kind: [1, 'Kind'],
    target_name: [2, 'repeated string'],
    data_type: [3, 'DataType'],
    source_input: [4, 'repeated string'],
  }),
  message(`${P}.BatchOutput`, {
    target_name: [1, 'repeated string'],
    kind: [2, 'Kind'],
    source_input: [3, 'repeated string'],
  }),
  message(`${P}.ModelVersionPolicy`, {
    latest: [1, 'Latest', 'policy_choice'],
    all: [2, 'All', 'policy_choice'],
    specific: [3, 'Specific', 'policy_choice'],
  }),
  message(`${P}.ModelVersionPolicy.Latest`, { num_versions: [1, 'uint32'] }),
  message(`${P}.ModelVersionPolicy.All`, {}),
  message(`${P}.ModelVersionPolicy.Specific`, { versions: [1, 'repeated int64'] }),
  message(OPTIMIZATION, {
    graph: [1, 'Graph'],
    priority: [2, 'ModelPriority'],
    cuda: [3, 'Cuda'],
    execution_accelerators: [4, 'ExecutionAccelerators'],
    input_pinned_memory: [5, 'PinnedMemoryBuffer'],
    output_pinned_memory: [6, 'PinnedMemoryBuffer'],
    gather_kernel_buffer_threshold: [7, 'uint32'],
    eager_batching: [8, 'bool'],
  }),
  message(`${OPTIMIZATION}.Graph`, { level: [1, 'int32'] }),
  message(`${OPTIMIZATION}.Cuda`, {
    graphs: [1, 'bool'],
    busy_wait_events: [2, 'bool'],
    graph_spec: [3, 'repeated GraphSpec'],
    output_copy_stream: [4, 'bool'],
  }),
  message(GRAPH_SPEC, {
    batch_size: [1, 'int32'],
    input: [2, 'map<string, Shape>'],
    graph_lower_bound: [3, 'LowerBound'],
  }),
  message(`${GRAPH_SPEC}.Shape`, { dim: [1, 'repeated int64'] }),
  message(`${GRAPH_SPEC}.LowerBound`, {
    batch_size: [1, 'int32'],
    input: [2, 'map<string, Shape>'],
  }),
  message(ACCELERATORS, {
    gpu_execution_accelerator: [1, 'repeated Accelerator'],
    cpu_execution_accelerator: [2, 'repeated Accelerator'],
  }),
  message(`${ACCELERATORS}.Accelerator`, {
    name: [1, 'string'],
    parameters: [2, 'map<string, string>'],
  }),
  message(`${OPTIMIZATION}.PinnedMemoryBuffer`, { enable: [1, 'bool'] }),
  message(`${P}.ModelQueuePolicy`, {
    timeout_action: [1, 'TimeoutAction'],
    default_timeout_microseconds: [2, 'uint64'],
    allow_timeout_override: [3, 'bool'],
    max_queue_size: [4, 'uint32'],
  }),
  message(`${P}.ModelDynamicBatching`, {
    preferred_batch_size: [1, 'repeated int32'],
    max_queue_delay_microseconds: [2, 'uint64'],
    preserve_ordering: [3, 'bool'],
    priority_levels: [4, 'uint64'],
    default_priority_level: [5, 'uint64'],
    default_queue_policy: [6, 'ModelQueuePolicy'],
    priority_queue_policy: [7, 'map<uint64, ModelQueuePolicy>'],
  }),
  message(SEQUENCE, {
    direct: [3, 'StrategyDirect', 'strategy_choice'],
    oldest: [4, 'StrategyOldest', 'strategy_choice'],
    max_sequence_idle_microseconds: [1, 'uint64'],
    control_input: [2, 'repeated ControlInput'],
    state: [5, 'repeated State'],
    iterative_sequence: [6, 'bool'],
  }),
  message(`${SEQUENCE}.Control`, {
    kind: [1, 'Kind'],
    int32_false_true: [2, 'repeated int32'],
    fp32_false_true: [3, 'repeated float'],
    bool_false_true: [5, 'repeated bool'],
    data_type: [4, 'DataType'],
  }),
  message(`${SEQUENCE}.ControlInput`, {
    name: [1, 'string'],
    control: [2, 'repeated Control'],
  }),
  message(`${SEQUENCE}.InitialState`, {
    data_type: [1, 'DataType'],
    dims: [2, 'repeated int64'],
    zero_data: [3, 'bool', 'state_data'],
    data_file: [4, 'string', 'state_data'],
    name: [5, 'string'],
  }),
  message(`${SEQUENCE}.State`, {
    input_name: [1, 'string'],
    output_name: [2, 'string'],
    data_type: [3, 'DataType'],
    dims: [4, 'repeated int64'],
    initial_state: [5, 'repeated InitialState'],
    use_same_buffer_for_input_output: [6, 'bool'],
    use_growable_memory: [7, 'bool'],
  }),
  message(`${SEQUENCE}.StrategyDirect`, {
    max_queue_delay_microseconds: [1, 'uint64'],
    minimum_slot_utilization: [2, 'float'],
  }),
  message(`${SEQUENCE}.StrategyOldest`, {
    max_candidate_sequences: [1, 'int32'],
    preferred_batch_size: [2, 'repeated int32'],
    max_queue_delay_microseconds: [3, 'uint64'],
    preserve_ordering: [4, 'bool'],
  }),
  message(`${P}.ModelEnsembling`, {
    step: [1, 'repeated Step'],
    max_inflight_requests: [2, 'uint32'],
  }),
  message(`${P}.ModelEnsembling.Step`, {
    model_name: [1, 'string'],
    model_version: [2, 'int64'],
    input_map: [3, 'map<string, string>'],
    output_map: [4, 'map<string, string>'],
    model_namespace: [5, 'string'],
  }),
  message(`${P}.ModelParameter`, { string_value: [1, 'string'] }),
  message(`${P}.ModelWarmup`, {
    name: [1, 'string'],
    batch_size: [2, 'uint32'],
    inputs: [3, 'map<string, Input>'],
    count: [4, 'uint32'],
  }),
  message(`${P}.ModelWarmup.Input`, {
    data_type: [1, 'DataType'],
    dims: [2, 'repeated int64'],
    zero_data: [3, 'bool', 'input_data_type'],
    random_data: [4, 'bool', 'input_data_type'],
    input_data_file: [5, 'string', 'input_data_type'],
  }),
  message(`${P}.ModelOperations`, { op_library_filename: [1, 'repeated string'] }),
  message(`${P}.ModelTransactionPolicy`, { decoupled: [1, 'bool'] }),
  message(`${P}.ModelRepositoryAgents`, { agents: [1, 'repeated Agent'] }),
  message(`${P}.ModelRepositoryAgents.Agent`, {
    name: [1, 'string'],
    parameters: [2, 'map<string, string>'],
  }),
  message(`${P}.ModelResponseCache`, { enable: [1, 'bool'] }),
  message(`${P}.ModelMetrics`, { metric_control: [1, 'repeated MetricControl'] }),
  message(METRIC_CONTROL, {
    metric_identifier: [1, 'MetricIdentifier'],
    histogram_options: [2, 'HistogramOptions', 'metric_options'],
  }),
  message(`${METRIC_CONTROL}.MetricIdentifier`, { family: [1, 'string'] }),
  message(`${METRIC_CONTROL}.HistogramOptions`, { buckets: [1, 'repeated double'] }),
  message(`${P}.ModelConfig`, {
    name: [1, 'string'],
    platform: [2, 'string'],
    backend: [17, 'string'],
    runtime: [25, 'string'],
    version_policy: [3, 'ModelVersionPolicy'],
    max_batch_size: [4, 'int32'],
    input: [5, 'repeated ModelInput'],
    output: [6, 'repeated ModelOutput'],
    batch_input: [20, 'repeated BatchInput'],
    batch_output: [21, 'repeated BatchOutput'],
    optimization: [12, 'ModelOptimizationPolicy'],
    dynamic_batching: [11, 'ModelDynamicBatching', 'scheduling_choice'],
    sequence_batching: [13, 'ModelSequenceBatching', 'scheduling_choice'],
    ensemble_scheduling: [15, 'ModelEnsembling', 'scheduling_choice'],
    instance_group: [7, 'repeated ModelInstanceGroup'],
    default_model_filename: [8, 'string'],
    cc_model_filenames: [9, 'map<string, string>'],
    metric_tags: [10, 'map<string, string>'],
    parameters: [14, 'map<string, ModelParameter>'],
    model_warmup: [16, 'repeated ModelWarmup'],
    model_operations: [18, 'ModelOperations'],
    model_transaction_policy: [19, 'ModelTransactionPolicy'],
    model_repository_agents: [23, 'ModelRepositoryAgents'],
    response_cache: [24, 'ModelResponseCache'],
    model_metrics: [26, 'ModelMetrics'],
  }),
];

/** The whole `inference` schema of model_config.proto. */
export const MODEL_CONFIG_SCHEMA: ProtoSchema = buildSchema(MESSAGES, ENUMS);

/** The root message of config.pbtxt: `inference.ModelConfig`. */
export const MODEL_CONFIG_TYPE: MessageDescriptor = (() => {
  const root = MODEL_CONFIG_SCHEMA.messages.get(`${P}.ModelConfig`);
  if (root === undefined) throw new Error('schema: inference.ModelConfig is missing');
  return root;
})();
