import * as tl from 'azure-pipelines-task-lib/task';
import { MlflowClient } from '../common/mlflow/mlflow-client';
import { uploadBuildSummary } from '../common/pipeline/build-summary';
import { setOutput } from '../common/pipeline/outputs';
import { runTask, type TaskOutcome } from '../common/pipeline/run-task';
import { readApproval } from '../common/promotion/approval-reader';
import { runPromotion } from './operation';
import { readParameters } from './parameters';
import { newReport, type PromotionReport } from './report';
import { promotionSummary } from './summary';

void runTask(__dirname, async (): Promise<TaskOutcome> => {
  // Until the run proves otherwise, nothing was promoted: a failure leaves promoted=false.
  setOutput('promoted', 'false');
  const params = readParameters();
  const label =
    params.challenger.kind === 'alias'
      ? `alias "${params.challenger.alias}"`
      : `version ${params.challenger.version}`;
  const report = newReport(params.mode, params.modelName, label);
  const { pipeline } = params;
  try {
    await runPromotion(
      params,
      {
        client: new MlflowClient(params.connection, (line) => tl.debug(line)),
        readApproval: () =>
          readApproval({
            collectionUri: pipeline.collectionUri,
            project: pipeline.project,
            buildId: pipeline.buildId,
            accessToken: pipeline.accessToken,
            stageName: pipeline.stage,
            requestedFor: pipeline.requestedFor,
            ...agentNetworkSettings(pipeline.collectionUri),
          }),
        now: () => new Date(),
        log: (line) => console.log(line),
        warn: (line) => tl.warning(line),
      },
      report,
    );
  } catch (error) {
    if (error instanceof Error) report.message = error.message;
    throw error;
  } finally {
    publish(report);
  }
  return outcomeOf(report);
});

function publish(report: PromotionReport): void {
  const promoted = report.outcome === 'promoted' || report.outcome === 'rolledBack';
  setOutput('promoted', String(promoted));
  setOutput('championVersion', report.championAfter ?? '');
  setOutput('previousChampionVersion', report.previousChampion ?? '');
  uploadBuildSummary('promote-to-champion', promotionSummary(report));
}

function outcomeOf(report: PromotionReport): TaskOutcome {
  // A failed gate that does not fail the task is still never a plain success.
  const result = report.outcome === 'gatesFailed' ? 'SucceededWithIssues' : 'Succeeded';
  return { result, message: report.message };
}

/** The agent's proxy and certificates, for the requests to Azure DevOps. */
function agentNetworkSettings(collectionUri: string | undefined): {
  proxy?: tl.ProxyConfiguration;
  cert?: tl.CertConfiguration;
} {
  const proxy = tl.getHttpProxyConfiguration(collectionUri) ?? undefined;
  const cert = tl.getHttpCertConfiguration() ?? undefined;
  return { ...(proxy ? { proxy } : {}), ...(cert ? { cert } : {}) };
}
