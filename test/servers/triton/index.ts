/**
 * The Triton test server: start it on a model repository folder, point a KServe v2 client at
 * its `url`, and steer it with its controls.
 */
export {
  ModelControlMode,
  RecordedRequest,
  startTritonServer,
  TritonServerOptions,
  TritonTestServer,
} from './triton-test-server';
export { ModelState, RepositoryIndexEntry } from './model-lifecycle';
