import * as assert from 'node:assert/strict';
import { readApproval, type ApprovalQuery } from '../../../tasks/common/promotion/approval-reader';
import {
  startAzureDevOpsFake,
  type AzureDevOpsFake,
  type AzureDevOpsFakeOptions,
} from '../../integration/promote-to-champion/azure-devops-fake';

const TOKEN = 'job-token-123';
const jane = { displayName: 'Jane Approver', uniqueName: 'jane@contoso.com' };
const omar = { displayName: 'Omar Ops', uniqueName: 'omar@contoso.com' };

describe('approval reader (Azure DevOps REST through azure-devops-node-api)', () => {
  let fake: AzureDevOpsFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function read(
    options: Partial<AzureDevOpsFakeOptions>,
    query: Partial<ApprovalQuery> = {},
  ): Promise<Awaited<ReturnType<typeof readApproval>>> {
    fake = await startAzureDevOpsFake({
      organization: 'contoso',
      project: 'ML Platform',
      buildId: '77',
      token: TOKEN,
      approvals: [],
      ...options,
    });
    return readApproval({
      collectionUri: fake.collectionUri,
      project: 'ML Platform',
      buildId: '77',
      accessToken: TOKEN,
      stageName: 'Production',
      requestedFor: 'Rita Requester',
      timeoutMs: 5000,
      ...query,
    });
  }

  it('records who approved the environment check of the current stage', async () => {
    const record = await read({
      approvals: [
        { id: 'a-staging', stage: 'Staging', status: 'approved', approvers: [omar] },
        { id: 'a-prod', stage: 'Production', status: 'approved', approvers: [jane] },
      ],
    });
    assert.equal(record.source, 'approval');
    assert.equal(record.approvedBy, 'Jane Approver <jane@contoso.com>');
    assert.ok(fake?.requests.every((request) => request.authorized));
  });

  it('records every approver when the stage is not found in the timeline', async () => {
    const record = await read(
      {
        approvals: [
          { id: 'a1', stage: 'Staging', status: 'approved', approvers: [omar] },
          { id: 'a2', stage: 'Production', status: 'approved', approvers: [jane] },
        ],
      },
      { stageName: undefined },
    );
    assert.equal(
      record.approvedBy,
      'Omar Ops <omar@contoso.com>, Jane Approver <jane@contoso.com>',
    );
  });

  it('falls back to the requester, saying why, when the run has no approval', async () => {
    const record = await read({ approvals: [] });
    assert.equal(record.source, 'requester');
    assert.equal(record.approvedBy, 'Rita Requester');
    assert.match(record.note, /No environment approval was found.*recorded the requester/);
  });

  it('falls back to the requester when the approval is still pending', async () => {
    const record = await read({
      approvals: [{ id: 'a1', stage: 'Production', status: 'pending', approvers: [jane] }],
    });
    assert.equal(record.source, 'requester');
    assert.match(record.note, /nobody has approved it/);
  });

  it('falls back to the requester when the token may not read approvals', async () => {
    const record = await read({
      failWith: 403,
      approvals: [{ id: 'a1', stage: 'Production', status: 'approved', approvers: [jane] }],
    });
    assert.equal(record.source, 'requester');
    assert.match(record.note, /HTTP 403.*pipeline settings/);
    assert.doesNotMatch(record.note, new RegExp(TOKEN));
  });

  it('falls back to the requester without a token, and says how to give one', async () => {
    const record = await read({}, { accessToken: undefined });
    assert.equal(record.source, 'requester');
    assert.match(record.note, /SYSTEM_ACCESSTOKEN: \$\(System.AccessToken\)/);
    assert.equal(fake?.requests.length, 0);
  });

  it('falls back to the requester when Azure DevOps cannot be reached', async () => {
    const record = await readApproval({
      collectionUri: 'http://127.0.0.1:9/contoso/',
      project: 'p',
      buildId: '1',
      accessToken: TOKEN,
      stageName: undefined,
      requestedFor: 'Rita Requester',
      timeoutMs: 2000,
    });
    assert.equal(record.source, 'requester');
    assert.match(record.note, /could not be read from Azure DevOps/);
  });
});
