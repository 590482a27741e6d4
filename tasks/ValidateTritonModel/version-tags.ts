import type { KeyValue } from '../common/mlflow/types';
import type { PipelineContext } from '../common/pipeline/pipeline-context';
import { offlineVerdict, overallVerdict, type ValidationReport } from './report';

/** Prefix of the tags that record a validation on the registry version. */
export const VALIDATION_TAG = 'triton.validation';

/**
 * Tags that record this run's result on the version, for PromoteToChampion's required tags
 * (e.g. `triton.validation=passed`) and for anyone tracing a version to the build that checked
 * it. `triton.validation` is the whole run's verdict; the `.live.*` tags are written only when
 * the live validation ran.
 */
export function validationTags(
  report: ValidationReport,
  pipeline: PipelineContext,
  at: Date,
): KeyValue[] {
  const overall = overallVerdict(report);
  const offline = offlineVerdict(report);
  const summary = report.summary;
  if (overall === undefined || offline === undefined || summary === undefined) return [];
  const entries: [string, string | undefined][] = [
    ['', overall],
    ['.offline', offline],
    ['.errors', String(summary.errors)],
    ['.warnings', String(summary.warnings)],
  ];
  if (report.live.kind === 'ran') {
    const live = report.live.report;
    entries.push(['.live', live.result], ['.live.server', withoutCredentials(live.serverUrl)]);
    if (live.latency !== undefined) entries.push(['.live.p95_ms', formatMs(live.latency.p95Ms)]);
  }
  entries.push(
    ['.at', at.toISOString()],
    ['.build_number', pipeline.buildNumber],
    ['.build_id', pipeline.buildId],
    ['.run_url', pipeline.runUrl],
    ['.commit', pipeline.commit],
  );
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([suffix, value]) => ({ key: `${VALIDATION_TAG}${suffix}`, value }));
}

/** Milliseconds with one decimal, as the output variable and tags show them. */
export function formatMs(ms: number): string {
  return ms.toFixed(1);
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}
