import { markdownTable, uploadBuildSummary } from '../common/pipeline/build-summary';
import type { MetricPoint } from '../common/mlflow/tracking/log-batch';
import type { KeyValue, Run } from '../common/mlflow/types';
import type { LogRunParameters } from './parameters';

/** The build summary a reviewer reads: the run link, the commit, params and final metrics. */
export function writeRunSummary(summary: {
  p: LogRunParameters;
  run: Run;
  runUrl: string;
  params: KeyValue[];
  metrics: MetricPoint[];
  modelUri: string | undefined;
}): void {
  const { p, run, runUrl } = summary;
  const finalMetrics = new Map<string, MetricPoint>();
  for (const point of summary.metrics) {
    const seen = finalMetrics.get(point.key);
    if (!seen || point.step >= seen.step) finalMetrics.set(point.key, point);
  }
  const branch = p.pipeline.branch ? ` on ${p.pipeline.branch}` : '';
  const lines = [
    `### MLflow run [${run.info.run_name ?? run.info.run_id}](${runUrl})`,
    '',
    `- Experiment: ${p.experimentName} (id ${run.info.experiment_id})`,
    `- Commit: ${p.pipeline.commit ?? 'unknown'}${branch}`,
    `- Status: ${p.finalStatus}`,
    ...(summary.modelUri ? [`- Model: \`${summary.modelUri}\``] : []),
    '',
  ];
  if (p.params.length > 0) {
    lines.push(
      '#### Parameters',
      '',
      markdownTable(
        ['Key', 'Value'],
        p.params.map((x) => [x.key, x.value]),
      ),
      '',
    );
  }
  if (finalMetrics.size > 0) {
    const rows = [...finalMetrics.values()].map((m) => [m.key, String(m.value), m.step]);
    lines.push('#### Final metrics', '', markdownTable(['Metric', 'Value', 'Step'], rows), '');
  }
  uploadBuildSummary('mlflow-run', lines.join('\n'));
}
