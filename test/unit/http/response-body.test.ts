import * as assert from 'node:assert/strict';
import { readErrorBody } from '../../../tasks/common/http/response-body';

describe('error bodies shown in messages', () => {
  it('hides credentials a server echoes back, even where the text is then cut short', () => {
    const basic = Buffer.from('ci:Tr0ub4dor&3-correct-horse').toString('base64');
    const cases: { body: string; secret: string }[] = [
      { body: `${'x'.repeat(260)} Authorization: Basic ${basic}`, secret: basic.slice(0, 12) },
      { body: `{"message": "token Bearer abc.def-ghi rejected"}`, secret: 'abc.def' },
      { body: 'failed for http://alice:pa55word@mlflow:5000/api', secret: 'pa55word' },
      { body: '{"error": "bad header authorization=Token s3cr3t-t0k"}', secret: 's3cr3t' },
    ];
    for (const { body, secret } of cases) {
      const shown = readErrorBody('text/plain', body).message ?? '';
      assert.ok(!shown.includes(secret), `"${secret}" is hidden in: ${shown}`);
      assert.match(shown, /\*\*\*/);
    }
  });

  it('keeps runs of spaces, so a secret with them still matches the agent mask', () => {
    const shown = readErrorBody('text/plain', 'pw was "correct  horse\tbattery"\nend').message;
    assert.equal(shown, 'pw was "correct  horse\tbattery" end');
  });
});
