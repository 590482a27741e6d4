import * as assert from 'node:assert/strict';
import { KserveClient } from '../../../tasks/common/triton/kserve/kserve-client';
import { TritonCallError } from '../../../tasks/common/triton/kserve/triton-call-error';
import { startScriptedServer, type ScriptedAnswer } from '../../helpers/scripted-server';

async function clientFor(answers: ScriptedAnswer[]): Promise<{
  client: KserveClient;
  urls: () => string[];
  close: () => Promise<void>;
}> {
  const server = await startScriptedServer(answers);
  const client = new KserveClient({
    url: server.url,
    retry: { maxRetries: 0 },
    timeouts: { connectMs: 1_000, readMs: 2_000 },
  });
  return {
    client,
    urls: () => server.received.map((r) => `${r.method} ${r.url}`),
    close: () => server.close(),
  };
}

async function failure(promise: Promise<unknown>): Promise<TritonCallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TritonCallError, `expected TritonCallError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded but should have failed');
}

describe('KserveClient: Triton error bodies become messages with the step and the fix', () => {
  it("names the step, Triton's message, the request and the fix for an unknown model", async () => {
    const { client, close } = await clientFor([
      { status: 404, body: '{"error":"Request for unknown model: \'clasifier\' is not found"}' },
    ]);
    try {
      const error = await failure(client.modelMetadata('clasifier'));
      assert.equal(error.status, 404);
      assert.equal(error.tritonMessage, "Request for unknown model: 'clasifier' is not found");
      assert.match(
        error.message,
        new RegExp(
          /^Reading the metadata of model 'clasifier' failed: Triton answered HTTP 404:/.source +
            / Request for unknown model: 'clasifier' is not found \(GET/.source +
            / http:\/\/127\.0\.0\.1:\d+\/v2\/models\/clasifier\)\. Check the model name/.source +
            / and version/.source,
        ),
      );
    } finally {
      await close();
    }
  });

  it("reads an error answer of the ready endpoint as not ready, with Triton's words", async () => {
    const { client, urls, close } = await clientFor([
      {
        status: 400,
        body: '{"error":"Request for unknown model: \'m\' version 2 is not at ready state"}',
      },
      { status: 200, body: '' },
    ]);
    try {
      assert.deepEqual(await client.modelReadiness('m', 2), {
        ready: false,
        status: 400,
        message: "Request for unknown model: 'm' version 2 is not at ready state",
      });
      assert.deepEqual(await client.modelReadiness('m', 2), { ready: true, status: 200 });
      assert.deepEqual(urls(), [
        'GET /v2/models/m/versions/2/ready',
        'GET /v2/models/m/versions/2/ready',
      ]);
    } finally {
      await close();
    }
  });

  it('says the URL is not Triton when the answer is not KServe v2', async () => {
    const { client, close } = await clientFor([{ status: 200, body: '{"models": []}' }]);
    try {
      await assert.rejects(
        client.modelMetadata('m'),
        new RegExp(
          /The answer to GET \/v2\/models\/m is not KServe v2 \(it has no "inputs"/.source +
            / and "outputs" lists\): check that the Triton URL is the base URL of/.source +
            / Triton's HTTP port/.source,
        ),
      );
    } finally {
      await close();
    }
  });

  it('sends the config as a JSON string and files in base64 with a load request', async () => {
    const server = await startScriptedServer([{ status: 200, body: '' }]);
    try {
      const client = new KserveClient({ url: server.url, retry: { maxRetries: 0 } });
      await client.loadModel('m', {
        config: { name: 'm', max_batch_size: 4 },
        files: new Map([['1/model.onnx', Buffer.from('onnx')]]),
      });
      const request = server.received[0];
      assert.equal(request?.url, '/v2/repository/models/m/load');
      assert.deepEqual(JSON.parse(request?.body ?? ''), {
        parameters: { config: '{"name":"m","max_batch_size":4}', 'file:1/model.onnx': 'b25ueA==' },
      });
    } finally {
      await server.close();
    }
  });

  it('reads the repository index, keeping state and reason', async () => {
    const { client, close } = await clientFor([
      {
        status: 200,
        body: JSON.stringify([
          { name: 'a' },
          { name: 'b', version: '1', state: 'UNAVAILABLE', reason: 'bad model' },
          { name: 'c', version: '2', state: 'READY', reason: '' },
        ]),
      },
    ]);
    try {
      assert.deepEqual(await client.repositoryIndex(), [
        { name: 'a' },
        { name: 'b', version: '1', state: 'UNAVAILABLE', reason: 'bad model' },
        { name: 'c', version: '2', state: 'READY' },
      ]);
    } finally {
      await close();
    }
  });

  it("marks a call that got no answer as unreachable, with the transport's hint", async () => {
    const { client, close } = await clientFor([]);
    await close();
    const error = await failure(client.serverMetadata());
    assert.equal(error.unreachable, true);
    assert.match(
      error.message,
      new RegExp(
        /^Reading Triton's server metadata failed: Triton request GET .* failed:/.source +
          / connection refused.*\. Nothing accepts connections at 127\.0\.0\.1:\d+: check/.source +
          / the Triton URL/.source,
      ),
    );
  });
});
