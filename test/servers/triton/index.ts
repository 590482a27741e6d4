/**
 * The Triton test server: start it on a model repository folder, point a KServe v2 client at
 * its `url`, and steer it with its controls. For example:
 *
 *     await writeTritonModelFolder(repo, buildAddSubModel());     // from test/models
 *     const triton = await startTritonServer({ repository: repo, modelControl: 'explicit' });
 *     triton.failLoad('add_sub', 'Internal: out of memory');       // or setLoadDelay(...)
 *     // ... run the client against triton.url, then read triton.requests ...
 *     await triton.close();                                        // the server is now down
 */
export {
  ModelControlMode,
  RecordedRequest,
  RequestFault,
  startTritonServer,
  TritonServerOptions,
  TritonTestServer,
} from './triton-test-server';
export { ModelState, RepositoryIndexEntry } from './model-lifecycle';
