import { WebApi, getBearerHandler } from 'azure-devops-node-api';
import type {
  ICertConfiguration,
  IProxyConfiguration,
} from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';

/** Where to look for the approvals of this pipeline run. */
export interface ApprovalQuery {
  /** System.CollectionUri, e.g. https://dev.azure.com/contoso/ (a test points it at a fake). */
  collectionUri: string | undefined;
  project: string | undefined;
  buildId: string | undefined;
  /** The job's access token (System.AccessToken); without it nothing can be read. */
  accessToken: string | undefined;
  /** The current stage, to prefer the approval that gated it over other stages' ones. */
  stageName: string | undefined;
  /** Build.RequestedFor: recorded when the approval cannot be read. */
  requestedFor: string | undefined;
  timeoutMs?: number;
  /** The agent's proxy and certificate settings, so the reader goes where the agent goes. */
  proxy?: IProxyConfiguration;
  cert?: ICertConfiguration;
}

/** Who is recorded as having approved the promotion, and how that was learnt. */
export interface ApprovalRecord {
  approvedBy: string;
  /** `approval`: read from the environment's approval check; `requester`: the fallback. */
  source: 'approval' | 'requester';
  /** A sentence for the log and the summary. */
  note: string;
}

interface TimelineRecord {
  id: string;
  parentId?: string | null;
  type?: string;
  identifier?: string | null;
  name?: string | null;
}

interface Identity {
  displayName?: string;
  uniqueName?: string;
}

interface ApprovalStep {
  status?: string;
  assignedApprover?: Identity;
  actualApprover?: Identity;
}

interface Approval {
  id: string;
  status?: string;
  steps?: ApprovalStep[];
}

const TIMELINE_API_VERSION = '7.1';
const APPROVALS_API_VERSION = '7.1-preview.1';

/**
 * Reads who approved the environment check of this run through the Azure DevOps REST API, with
 * the job's token. Never throws: when the approval cannot be read it records the requester and
 * says why, so a promotion is never blocked by the audit trail alone.
 */
export async function readApproval(query: ApprovalQuery): Promise<ApprovalRecord> {
  const requester = query.requestedFor ?? 'unknown requester';
  const fallback = (why: string): ApprovalRecord => ({
    approvedBy: requester,
    source: 'requester',
    note: `${why}; recorded the requester of the run (${requester}) instead`,
  });

  const { collectionUri, project, buildId, accessToken } = query;
  if (!collectionUri || !project || !buildId) {
    return fallback('The approval cannot be read outside a pipeline run (no collection URI)');
  }
  if (!accessToken) {
    return fallback(
      'The approval cannot be read: the job has no access token. Map System.AccessToken ' +
        'into the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) to record the approver',
    );
  }

  try {
    const api = new WebApi(collectionUri, getBearerHandler(accessToken), {
      socketTimeout: query.timeoutMs ?? 30_000,
      allowRetries: true,
      maxRetries: 2,
      ...(query.proxy ? { proxy: query.proxy } : {}),
      ...(query.cert ? { cert: query.cert } : {}),
    });
    const projectUrl = `${collectionUri.replace(/\/+$/, '')}/${encodeURIComponent(project)}`;
    const approvalIds = await approvalRecordIds(api, projectUrl, buildId, query.stageName);
    if (approvalIds.length === 0) {
      return fallback(
        'No environment approval was found in this run (run the task in a deployment job ' +
          'that targets an environment with an approval check)',
      );
    }
    const approvers = await approversOf(api, projectUrl, approvalIds);
    if (approvers.length === 0) {
      return fallback('The run has an approval check, but nobody has approved it');
    }
    return {
      approvedBy: approvers.join(', '),
      source: 'approval',
      note: `Approved in the environment's approval check by ${approvers.join(', ')}`,
    };
  } catch (error) {
    return fallback(`The approval could not be read from Azure DevOps (${describe(error)})`);
  }
}

async function approvalRecordIds(
  api: WebApi,
  projectUrl: string,
  buildId: string,
  stageName: string | undefined,
): Promise<string[]> {
  const url =
    `${projectUrl}/_apis/build/builds/${encodeURIComponent(buildId)}/timeline` +
    `?api-version=${TIMELINE_API_VERSION}`;
  const response = await api.rest.get<{ records?: TimelineRecord[] }>(url);
  const records = response.result?.records ?? [];
  const approvals = records.filter((record) => record.type === 'Checkpoint.Approval');

  // An approval hangs under a checkpoint, which hangs under the stage it gates.
  const stage = records.find(
    (record) => record.type === 'Stage' && stageName && record.identifier === stageName,
  );
  if (stage) {
    const checkpoints = new Set(
      records.filter((record) => record.parentId === stage.id).map((record) => record.id),
    );
    const ofStage = approvals.filter((record) => checkpoints.has(record.parentId ?? ''));
    if (ofStage.length > 0) return ofStage.map((record) => record.id);
  }
  return approvals.map((record) => record.id);
}

async function approversOf(api: WebApi, projectUrl: string, ids: string[]): Promise<string[]> {
  const names: string[] = [];
  for (const id of ids) {
    const url =
      `${projectUrl}/_apis/pipelines/approvals/${encodeURIComponent(id)}` +
      `?$expand=steps&api-version=${APPROVALS_API_VERSION}`;
    const approval = (await api.rest.get<Approval>(url)).result;
    for (const step of approval?.steps ?? []) {
      if (step.status?.toLowerCase() !== 'approved') continue;
      const who = identity(step.actualApprover ?? step.assignedApprover);
      if (who && !names.includes(who)) names.push(who);
    }
  }
  return names;
}

function identity(person: Identity | undefined): string | undefined {
  if (!person) return undefined;
  const { displayName, uniqueName } = person;
  if (displayName && uniqueName && displayName !== uniqueName) {
    return `${displayName} <${uniqueName}>`;
  }
  return displayName ?? uniqueName;
}

function describe(error: unknown): string {
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 401 || status === 403) {
    return (
      `HTTP ${status}: the job's token may not read builds or approvals; allow it in the ` +
      `project's pipeline settings`
    );
  }
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof Error ? error.message : String(error);
}
