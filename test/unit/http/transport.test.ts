import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { HttpError } from '../../../tasks/common/http/http-error';
import type { TransportSettings } from '../../../tasks/common/http/settings';
import { HttpTransport } from '../../../tasks/common/http/transport';
import { startScriptedServer, type ScriptedAnswer } from '../../helpers/scripted-server';
import { selfSignedCertificate } from '../../helpers/tls-certificate';

function transport(baseUrl: string, overrides: Partial<TransportSettings> = {}): HttpTransport {
  return new HttpTransport({
    baseUrl,
    auth: { kind: 'none' },
    tls: {},
    retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50, maxTotalMs: 5_000 },
    timeouts: { connectMs: 2_000, readMs: 5_000 },
    serverName: 'MLflow',
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${String(error)}`);
    return error;
  }
  assert.fail('the request succeeded but should have failed');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('HttpTransport: error messages name the request and the fix', () => {
  it('connection refused names host and port and the likely fix', async () => {
    const port = await freePort();
    const error = await failure(
      transport(`http://127.0.0.1:${port}`).request({ method: 'GET', path: 'api/x' }),
    );
    assert.match(error.message, new RegExp(`GET http://127\\.0\\.0\\.1:${port}/api/x`));
    assert.match(error.message, /connection refused/);
    assert.match(error.message, /Nothing accepts connections at 127\.0\.0\.1:\d+/);
    assert.equal(error.failure.attempts, 4, 'refused connections are retried: nothing was sent');
  });

  it('an unknown host name says the agent cannot resolve it', async () => {
    const error = await failure(
      transport('http://mlflow.invalid:5000', {
        retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 100 },
      }).request({ method: 'GET', path: 'api/x' }),
    );
    assert.match(error.message, /host name not found/);
    assert.match(error.message, /cannot resolve the host name "mlflow\.invalid"/);
  });

  it('an untrusted certificate asks for the CA certificate, which then works', async () => {
    const certificate = selfSignedCertificate();
    const server = await startScriptedServer([{ status: 200, body: '{"ok":true}' }], certificate);
    try {
      const error = await failure(transport(server.url).request({ method: 'GET', path: 'x' }));
      assert.match(error.message, /TLS certificate is not trusted/);
      assert.match(error.message, /set the CA certificate of the service connection/);
      const trusted = transport(server.url, { tls: { caPem: certificate.certPem } });
      const answer = await trusted.request<{ ok: boolean }>({ method: 'GET', path: 'x' });
      assert.deepEqual(answer.data, { ok: true });
      const insecure = transport(server.url, { tls: { insecure: true } });
      assert.equal((await insecure.request({ method: 'GET', path: 'x' })).status, 200);
    } finally {
      await server.close();
    }
  });

  it('https:// to a plain HTTP server says to use http://', async () => {
    const server = await startScriptedServer([{ status: 200 }]);
    try {
      const url = server.url.replace('http:', 'https:');
      const error = await failure(transport(url).request({ method: 'GET', path: 'x' }));
      assert.match(error.message, /does not speak TLS: use http:\/\/ instead of https:\/\//);
    } finally {
      await server.close();
    }
  });

  it('http:// to an HTTPS server suggests https://', async () => {
    const server = await startScriptedServer([{ status: 200 }], selfSignedCertificate());
    try {
      const url = server.url.replace('https:', 'http:');
      const error = await failure(transport(url).request({ method: 'GET', path: 'x' }));
      assert.match(error.message, /use https:\/\//);
    } finally {
      await server.close();
    }
  });

  const statusCases: {
    name: string;
    answer: ScriptedAnswer;
    expect: RegExp[];
  }[] = [
    {
      name: '401 asks to check the credentials',
      answer: {
        status: 401,
        contentType: 'text/html',
        body: 'You are not authenticated. Please see docs to set up authentication.',
      },
      expect: [
        /HTTP 401/,
        /refused the credentials: check the user name and password or the token/,
      ],
    },
    {
      name: '403 asks to check the permissions',
      answer: { status: 403, contentType: 'text/html', body: 'Permission denied' },
      expect: [/HTTP 403/, /Permission denied/, /lack permission/],
    },
    {
      name: "3.x's Invalid Host header asks for the allowed hosts",
      answer: { status: 403, contentType: 'text/plain', body: 'Invalid Host header' },
      expect: [/Invalid Host header/, /allowed hosts/],
    },
    {
      name: 'an HTML 404 from a wrong base URL is summarised and explained',
      answer: {
        status: 404,
        contentType: 'text/html; charset=utf-8',
        body:
          '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
          '<p>The requested URL was not found on the server.</p>\n',
      },
      expect: [/HTTP 404/, /\(HTML page\) 404 Not Found/, /not MLflow's API/],
    },
    {
      name: "MLflow's error code and message are shown",
      answer: {
        status: 400,
        body: '{"error_code": "INVALID_PARAMETER_VALUE", "message": "Bad alias"}',
      },
      expect: [/HTTP 400 INVALID_PARAMETER_VALUE: Bad alias/],
    },
  ];
  for (const testCase of statusCases) {
    it(testCase.name, async () => {
      const server = await startScriptedServer([testCase.answer]);
      try {
        const error = await failure(transport(server.url).request({ method: 'GET', path: 'x' }));
        for (const pattern of testCase.expect) assert.match(error.message, pattern);
        assert.doesNotMatch(error.message, /<html|<!doctype/i, 'no HTML dumped');
        assert.equal(server.received.length, 1, 'client errors are not retried');
      } finally {
        await server.close();
      }
    });
  }

  it('never shows credentials that were part of the URL', async () => {
    const port = await freePort();
    const error = await failure(
      transport(`http://alice:s3cr3t-pw@127.0.0.1:${port}`, {
        retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 100 },
      }).request({ method: 'GET', path: 'x' }),
    );
    assert.doesNotMatch(error.message, /s3cr3t-pw|alice/);
  });
});

describe('HttpTransport: retries', () => {
  const retryCases: {
    name: string;
    answers: ScriptedAnswer[];
    method: 'GET' | 'POST';
    idempotent?: boolean;
    attempts: number;
    ok: boolean;
  }[] = [
    {
      name: '503 then success (GET)',
      answers: [{ status: 503 }, { status: 200 }],
      method: 'GET',
      attempts: 2,
      ok: true,
    },
    {
      name: '429 then success',
      answers: [{ status: 429 }, { status: 200 }],
      method: 'GET',
      attempts: 2,
      ok: true,
    },
    {
      name: '502, 504 then success',
      answers: [{ status: 502 }, { status: 504 }, { status: 200 }],
      method: 'GET',
      attempts: 3,
      ok: true,
    },
    {
      name: '500 retried for reads',
      answers: [{ status: 500 }, { status: 200 }],
      method: 'GET',
      attempts: 2,
      ok: true,
    },
    {
      name: '500 not retried for writes',
      answers: [{ status: 500 }, { status: 200 }],
      method: 'POST',
      idempotent: true,
      attempts: 1,
      ok: false,
    },
    {
      name: 'reset then success (GET)',
      answers: [{ reset: true }, { status: 200 }],
      method: 'GET',
      attempts: 2,
      ok: true,
    },
    {
      name: '400 never retried',
      answers: [{ status: 400 }, { status: 200 }],
      method: 'GET',
      attempts: 1,
      ok: false,
    },
    {
      name: '404 never retried',
      answers: [{ status: 404 }, { status: 200 }],
      method: 'GET',
      attempts: 1,
      ok: false,
    },
    {
      name: 'non-idempotent POST not retried on 503',
      answers: [{ status: 503 }, { status: 200 }],
      method: 'POST',
      attempts: 1,
      ok: false,
    },
    {
      name: 'non-idempotent POST not retried on reset',
      answers: [{ reset: true }, { status: 200 }],
      method: 'POST',
      attempts: 1,
      ok: false,
    },
    {
      name: 'idempotent POST retried on 503',
      answers: [{ status: 503 }, { status: 200 }],
      method: 'POST',
      idempotent: true,
      attempts: 2,
      ok: true,
    },
    {
      name: 'retries are bounded in count',
      answers: [{ status: 503 }],
      method: 'GET',
      attempts: 4,
      ok: false,
    },
  ];
  for (const testCase of retryCases) {
    it(testCase.name, async () => {
      const server = await startScriptedServer(testCase.answers);
      try {
        const request = transport(server.url).request({
          method: testCase.method,
          path: 'api/2.0/mlflow/x',
          ...(testCase.method === 'POST' ? { json: { a: 1 } } : {}),
          idempotent: testCase.idempotent ?? false,
        });
        if (testCase.ok) assert.equal((await request).status, 200);
        else await failure(request);
        assert.equal(server.received.length, testCase.attempts);
      } finally {
        await server.close();
      }
    });
  }

  it('honours Retry-After', async () => {
    const server = await startScriptedServer([
      { status: 503, headers: { 'Retry-After': '1' } },
      { status: 200 },
    ]);
    try {
      const started = Date.now();
      await transport(server.url, {
        retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 2_000, maxTotalMs: 5_000 },
      }).request({ method: 'GET', path: 'x' });
      assert.ok(Date.now() - started >= 950, 'waited as the server asked');
    } finally {
      await server.close();
    }
  });

  it('stops when the total retry time would be exceeded', async () => {
    const server = await startScriptedServer([{ status: 503, headers: { 'Retry-After': '10' } }]);
    try {
      const started = Date.now();
      const error = await failure(
        transport(server.url, {
          retry: { maxRetries: 5, baseDelayMs: 5, maxDelayMs: 20_000, maxTotalMs: 2_000 },
        }).request({ method: 'GET', path: 'x' }),
      );
      assert.ok(Date.now() - started < 1_000, 'gave up instead of waiting past the bound');
      assert.equal(error.status, 503);
    } finally {
      await server.close();
    }
  });
});

describe('HttpTransport: authentication', () => {
  it('sends Basic and Bearer headers, and none to presigned URLs', async () => {
    const server = await startScriptedServer([{ status: 200 }]);
    try {
      await transport(server.url, {
        auth: { kind: 'basic', username: 'u', password: 'p' },
      }).request({ method: 'GET', path: 'a' });
      await transport(server.url, { auth: { kind: 'token', token: 't0k' } }).request({
        method: 'GET',
        path: 'b',
      });
      await transport(server.url, { auth: { kind: 'token', token: 't0k' } }).request({
        method: 'GET',
        path: `${server.url}/c?X-Amz-Signature=abc`,
        withoutAuth: true,
      });
      assert.equal(server.received[0]?.headers.authorization, `Basic ${btoa('u:p')}`);
      assert.equal(server.received[1]?.headers.authorization, 'Bearer t0k');
      assert.equal(server.received[2]?.headers.authorization, undefined);
    } finally {
      await server.close();
    }
  });
});
