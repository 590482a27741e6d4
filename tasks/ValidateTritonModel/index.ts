import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { MlflowClient } from '../common/mlflow/mlflow-client';
import { uploadBuildSummary } from '../common/pipeline/build-summary';
import { setOutput } from '../common/pipeline/outputs';
import { runTask, type TaskOutcome } from '../common/pipeline/run-task';
import { validateLive } from '../common/triton/live/validate-live';
import { UserError } from '../common/user-error';
import { logFindingIssues } from './finding-issues';
import { runValidation } from './operation';
import { readParameters, type ValidateParameters } from './parameters';
import { newReport, offlineVerdict, overallVerdict, type ValidationReport } from './report';
import { validationSummary } from './summary';
import { formatMs } from './version-tags';

void runTask(__dirname, async (): Promise<TaskOutcome> => {
  const params = readParameters();
  const report = newReport(params.failOnWarning);
  const temporary: string[] = [];
  let client: MlflowClient | undefined;
  try {
    await runValidation(
      params,
      {
        mlflow: () => {
          if (params.source.kind !== 'registry') throw new Error('MLflow is not used here');
          client ??= new MlflowClient(params.source.connection, (line) => tl.debug(line));
          return client;
        },
        validateLive,
        tempFolder: async () => {
          const base = tl.getVariable('Agent.TempDirectory') ?? os.tmpdir();
          const folder = await mkdtemp(path.join(base, 'triton-validation-'));
          temporary.push(folder);
          return folder;
        },
        log: (line) => console.log(line),
        debug: (line) => tl.debug(line),
        now: () => new Date(),
      },
      report,
    );
  } finally {
    publish(report, params);
    for (const folder of temporary) await rm(folder, { recursive: true, force: true });
  }
  return outcomeOf(report);
});

/** The liveResult output for each outcome other than a report. */
const LIVE_RESULTS: Partial<Record<ValidationReport['live']['kind'], string>> = {
  skipped: 'skipped',
  error: 'failed',
  notRequested: '',
};

function publish(report: ValidationReport, params: ValidateParameters): void {
  if (report.source !== undefined) logFindingIssues(report.findings, report.source);
  setOutput('validationResult', offlineVerdict(report) ?? 'failed');
  setOutput('errorCount', report.summary === undefined ? '' : String(report.summary.errors));
  setOutput('warningCount', report.summary === undefined ? '' : String(report.summary.warnings));
  const live = report.live;
  setOutput(
    'liveResult',
    LIVE_RESULTS[live.kind] ?? (live.kind === 'ran' ? live.report.result : ''),
  );
  const latency = live.kind === 'ran' ? live.report.latency : undefined;
  setOutput('p95Ms', latency === undefined ? '' : formatMs(latency.p95Ms));
  if (report.tagProblem !== undefined) {
    tl.warning(
      `The validation result could not be recorded as tags on the registry version: ` +
        `${report.tagProblem}`,
    );
  }
  uploadBuildSummary('triton-validation', validationSummary(report, params.workingDirectory));
}

/** Throws when the validation failed; otherwise the result and its one-line message. */
function outcomeOf(report: ValidationReport): TaskOutcome {
  const summary = report.summary;
  const what = report.modelName === undefined ? 'the model repository' : `'${report.modelName}'`;
  const counts =
    summary === undefined
      ? ''
      : `${summary.models} model(s) checked offline: ${summary.errors} error(s), ` +
        `${summary.warnings} warning(s)`;
  const live = report.live;
  const liveText =
    live.kind === 'ran'
      ? `; live validation on ${live.report.serverUrl} ${live.report.result}${failedChecks(live)}`
      : '';
  const verdict = overallVerdict(report);
  if (verdict === 'failed') {
    const warningsFail =
      report.failOnWarning && summary !== undefined && summary.errors === 0 && summary.warnings > 0
        ? ' (failOnWarning is set)'
        : '';
    throw new UserError(
      `Triton validation of ${what} failed: ${counts}${warningsFail}${liveText}. The issues ` +
        `list each problem on its file and line with the fix; the build summary has the table.`,
    );
  }
  const message = `Triton validation of ${what} ${verdict ?? 'passed'}: ${counts}${liveText}.`;
  if (verdict === 'passedWithWarnings' || report.tagProblem !== undefined) {
    return { result: 'SucceededWithIssues', message };
  }
  return { result: 'Succeeded', message };
}

function failedChecks(live: Extract<ValidationReport['live'], { kind: 'ran' }>): string {
  const failed = live.report.checks.filter((check) => check.status === 'failed');
  if (failed.length === 0) return '';
  const reasons = failed.map((check) => `${check.title}: ${check.summary.replace(/\.$/, '')}`);
  return ` (${reasons.join('; ')})`;
}
