import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One approver of an approval step, as Azure DevOps describes an identity. */
export interface FakeApprover {
  displayName: string;
  uniqueName: string;
}

/** An environment approval of the run, under the stage it gates. */
export interface FakeApproval {
  id: string;
  stage: string;
  status: 'approved' | 'pending' | 'rejected';
  approvers: FakeApprover[];
}

/** What the fake serves and how it answers. */
export interface AzureDevOpsFakeOptions {
  organization: string;
  project: string;
  buildId: string;
  token: string;
  approvals: FakeApproval[];
  /** Answer every request with this status instead (e.g. 403 for a token without rights). */
  failWith?: number;
}

/** A running fake of the two Azure DevOps REST routes the approval reader uses. */
export interface AzureDevOpsFake {
  /** System.CollectionUri for the task. */
  collectionUri: string;
  /** Paths and whether the bearer token was right. */
  requests: { path: string; authorized: boolean }[];
  close(): Promise<void>;
}

/**
 * Serves a build timeline with Stage, Checkpoint and Checkpoint.Approval records and the
 * approvals with their steps, as Azure DevOps answers them, on 127.0.0.1.
 */
export async function startAzureDevOpsFake(
  options: AzureDevOpsFakeOptions,
): Promise<AzureDevOpsFake> {
  const requests: AzureDevOpsFake['requests'] = [];
  const base = `/${options.organization}/${encodeURIComponent(options.project)}/_apis`;

  function answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const authorized = request.headers.authorization === `Bearer ${options.token}`;
    requests.push({ path: url.pathname, authorized });
    if (!authorized) return reply(response, 401, { message: 'TF400813: not authorized' });
    if (options.failWith !== undefined) {
      return reply(response, options.failWith, { message: 'TF401027: permission needed' });
    }
    if (url.pathname === `${base}/build/builds/${options.buildId}/timeline`) {
      return reply(response, 200, timeline(options.approvals));
    }
    const approval = /\/pipelines\/approvals\/([^/]+)$/.exec(url.pathname);
    const found = options.approvals.find((item) => item.id === approval?.[1]);
    if (url.pathname.startsWith(base) && found && url.searchParams.get('$expand') === 'steps') {
      return reply(response, 200, approvalJson(found));
    }
    reply(response, 404, { message: 'not found' });
  }

  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    collectionUri: `http://127.0.0.1:${port}/${options.organization}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function timeline(approvals: FakeApproval[]): object {
  const records: object[] = [];
  const stages = [...new Set(approvals.map((approval) => approval.stage))];
  for (const [index, stage] of stages.entries()) {
    const stageId = `stage-${index}`;
    records.push({ id: stageId, parentId: null, type: 'Stage', identifier: stage, name: stage });
    for (const approval of approvals.filter((item) => item.stage === stage)) {
      const checkpointId = `checkpoint-${approval.id}`;
      records.push({ id: checkpointId, parentId: stageId, type: 'Checkpoint', name: 'Checkpoint' });
      records.push({
        id: approval.id,
        parentId: checkpointId,
        type: 'Checkpoint.Approval',
        name: 'Checkpoint.Approval',
      });
    }
  }
  records.push({ id: 'job-1', parentId: 'stage-0', type: 'Job', name: 'Deploy' });
  return { records, id: 'timeline-1' };
}

function approvalJson(approval: FakeApproval): object {
  return {
    id: approval.id,
    status: approval.status,
    steps: approval.approvers.map((approver) => ({
      assignedApprover: { displayName: 'Release approvers', uniqueName: '[project]\\approvers' },
      actualApprover: approval.status === 'pending' ? undefined : approver,
      status: approval.status,
      comment: 'looks good',
    })),
  };
}

function reply(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(text);
}
