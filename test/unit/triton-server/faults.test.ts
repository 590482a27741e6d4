import * as assert from 'node:assert/strict';
import { buildAddSubModel, writeTritonModelFolder } from '../../models';
import { startTritonServer, TritonTestServer } from '../../servers/triton';
import { call, json, tempRepository } from './http-helpers';

describe('Triton test server: injected faults', () => {
  let repo: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;

  before(async () => {
    repo = await tempRepository();
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    server = await startTritonServer({ repository: repo.dir });
  });

  after(async () => {
    await server.close();
    await repo.remove();
  });

  it('answers the given status to as many matching requests as asked, then serves', async () => {
    server.injectFault({ path: /\/ready$/, times: 2, status: 503, message: 'busy' });
    const url = `${server.url}/v2/models/add_sub/ready`;
    const first = await call(url, 'GET');
    assert.equal(first.status, 503);
    assert.deepEqual(json(first), { error: 'busy' });
    assert.equal((await call(`${server.url}/v2/health/live`, 'GET')).status, 200);
    assert.equal((await call(url, 'GET')).status, 503);
    assert.equal((await call(url, 'GET')).status, 200);
  });

  it('drops the connection for a reset fault and records it with status 0', async () => {
    server.clearRequests();
    server.injectFault({ path: /^\/v2$/, reset: true });
    await assert.rejects(call(`${server.url}/v2`, 'GET'));
    assert.equal((await call(`${server.url}/v2`, 'GET')).status, 200);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [0, 200],
    );
  });

  it('delays a request before serving it', async () => {
    server.injectFault({ path: /\/live$/, delayMs: 200 });
    const started = Date.now();
    assert.equal((await call(`${server.url}/v2/health/live`, 'GET')).status, 200);
    assert.ok(Date.now() - started >= 200);
  });
});
