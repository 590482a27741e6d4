import * as assert from 'node:assert/strict';
import { deploymentTagKey } from '../../../tasks/common/deploy/deployment-tags';

describe('deploymentTagKey: one registry tag per Triton server', () => {
  const cases: [string, string][] = [
    ['http://triton-production:8000', 'azure_pipelines.deployed.triton-production-8000'],
    ['https://triton.example.com', 'azure_pipelines.deployed.triton.example.com'],
    ['http://[::1]:8000', 'azure_pipelines.deployed.___1_-8000'],
    ['not a url', 'azure_pipelines.deployed.not a url'],
  ];
  for (const [url, key] of cases) {
    it(`${url} -> ${key}`, () => assert.equal(deploymentTagKey(url), key));
  }

  it('keeps keys within MLflow limit of 250 characters', () => {
    assert.equal(deploymentTagKey(`http://${'a'.repeat(300)}.example:8000`).length, 250);
  });
});
