import * as assert from 'node:assert/strict';
import { renderLiveReport } from '../../../tasks/common/triton/live/report-markdown';
import { validateLive } from '../../../tasks/common/triton/live/validate-live';
import { startScriptedServer } from '../../helpers/scripted-server';
import { buildAddSubModel, writeTritonModelFolder } from '../../models';
import { startTritonServer } from '../../servers/triton';
import { checkOf, liveOptions, tempFolder } from './live-fixtures';

describe('validateLive when the server is down or the URL is wrong', function () {
  this.timeout(20_000);

  it('gives a clear error within the timeout when nothing listens at the URL', async () => {
    const repo = await tempFolder('live-repo-');
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    const server = await startTritonServer({ repository: repo.dir });
    const url = server.url;
    await server.close();
    await repo.remove();

    const started = Date.now();
    const report = await validateLive(liveOptions(url, 'add_sub', { readyTimeoutMs: 1_000 }));
    const elapsed = Date.now() - started;

    assert.ok(elapsed >= 900 && elapsed < 2_500, `took ${elapsed} ms`);
    assert.equal(report.result, 'failed');
    assert.equal(report.checks.length, 1);
    const check = checkOf(report, 'server');
    assert.equal(check.status, 'failed');
    assert.ok(
      check.summary.startsWith(`Triton at ${url} did not answer within 1.0 s:`),
      check.summary,
    );
    assert.match(check.summary, /connection refused/);
    assert.match(
      check.summary,
      /Nothing accepts connections at 127\.0\.0\.1:\d+: check the Triton URL/,
    );
    assert.match(renderLiveReport(report), /\| Server reachable \| ❌ failed \| Triton at http/);
  });

  it('stops at once when the URL answers but is not Triton', async () => {
    const web = await startScriptedServer([
      { status: 404, contentType: 'text/html', body: '<html><title>Not Found</title></html>' },
    ]);
    try {
      const started = Date.now();
      const report = await validateLive(liveOptions(web.url, 'add_sub', { readyTimeoutMs: 5_000 }));
      assert.ok(Date.now() - started < 2_000, 'no waiting for a wrong URL');
      const check = checkOf(report, 'server');
      assert.equal(check.status, 'failed');
      assert.match(
        check.summary,
        /^Asking whether Triton is live failed: Triton answered HTTP 404/,
      );
      assert.match(check.summary, /does not lead to Triton's KServe v2 HTTP API/);
    } finally {
      await web.close();
    }
  });

  it('rejects a URL that is not http or https before sending anything', async () => {
    await assert.rejects(
      validateLive(liveOptions('triton-staging:8000', 'add_sub')),
      /Triton URL "triton-staging:8000" is not an http or https URL/,
    );
  });
});
