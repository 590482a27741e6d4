import { markdownTable } from '../common/pipeline/build-summary';
import { describeVersion } from '../common/promotion/alias-move';
import { fmt, type MetricGateVerdict } from '../common/promotion/metric-gate';
import type { MetricReading } from '../common/promotion/version-metrics';
import type { PromotionReport } from './report';

const HEADLINES: Record<PromotionReport['outcome'], string> = {
  promoted: 'Promoted',
  rolledBack: 'Rolled back',
  alreadyChampion: 'Already champion: nothing to do',
  gatesFailed: 'Not promoted: gates failed',
  dryRunPassed: 'Dry run: every gate passed, nothing changed',
  championMoved: 'Not promoted: the champion moved during the run',
  targetMoved: 'Not promoted: the candidate alias moved during the run',
  overtaken: 'Not promoted: another promotion replaced this one',
  failed: 'Failed',
};

/** The build summary: challenger against champion metric by metric, each gate's verdict. */
export function promotionSummary(report: PromotionReport): string {
  const title =
    report.mode === 'rollback' ? 'Rollback' : report.mode === 'dryRun' ? 'Dry run' : 'Promotion';
  const lines = [
    `## ${title} of ${report.modelName}: ${HEADLINES[report.outcome]}`,
    '',
    ...(report.message ? [report.message, ''] : []),
    markdownTable(
      ['', 'Version'],
      [
        [`Candidate (${report.challengerLabel})`, candidate(report)],
        ['Champion before', describeVersion(report.championBefore)],
        ['Champion after', describeVersion(report.championAfter)],
      ],
    ),
    '',
  ];
  if (report.server) lines.push(`Server: ${report.server}`, '');
  if (report.approval) lines.push(`Approval: ${report.approval.note}.`, '');

  const metrics = metricRows(report);
  if (metrics.length > 0) {
    lines.push(
      '### Metrics',
      '',
      markdownTable(['Metric', 'Challenger', 'Champion', 'Gate', 'Verdict'], metrics),
      '',
    );
  }
  const tags = report.gates?.tags ?? [];
  if (tags.length > 0) {
    lines.push(
      '### Required tags',
      '',
      markdownTable(
        ['Tag', 'Required', 'Challenger', 'Verdict'],
        tags.map((verdict) => [
          verdict.required.key,
          verdict.required.value ?? '(present)',
          verdict.actual ?? '(missing)',
          verdict.passed ? 'pass' : `FAIL: ${verdict.detail}`,
        ]),
      ),
      '',
    );
  }
  if (report.notes.length > 0) lines.push(...report.notes.map((note) => `- ${note}`), '');
  return lines.join('\n');
}

/** Gated metrics first, in gate order, then every other metric both versions have. */
function metricRows(report: PromotionReport): string[][] {
  const challenger = report.challengerMetrics ?? new Map<string, MetricReading>();
  const champion = report.championMetrics;
  const verdicts = report.gates?.metrics ?? [];
  const rows = verdicts.map((verdict) => [
    verdict.gate.metric,
    reading(challenger.get(verdict.gate.metric)),
    champion ? reading(champion.get(verdict.gate.metric)) : '(no champion)',
    gateText(verdict),
    verdict.passed ? 'pass' : `FAIL: ${failedChecks(verdict)}`,
  ]);
  const gated = new Set(verdicts.map((verdict) => verdict.gate.metric));
  const shared = [...challenger.keys()]
    .filter((key) => !gated.has(key) && (champion?.has(key) ?? true))
    .sort();
  for (const key of shared) {
    rows.push([key, reading(challenger.get(key)), reading(champion?.get(key)), '', '']);
  }
  return rows;
}

function candidate(report: PromotionReport): string {
  const version = report.challengerVersion;
  if (version === undefined) return '?';
  return report.challengerUrl
    ? `[version ${version}](${report.challengerUrl})`
    : `version ${version}`;
}

function reading(value: MetricReading | undefined): string {
  return value === undefined ? '(missing)' : `${fmt(value.value)} (${value.source})`;
}

function gateText(verdict: MetricGateVerdict): string {
  const { gate } = verdict;
  const parts = [gate.greaterIsBetter ? 'higher is better' : 'lower is better'];
  if (gate.threshold !== undefined) parts.push(`threshold ${fmt(gate.threshold)}`);
  if (gate.minAbsoluteChange !== undefined) {
    parts.push(`min absolute change ${fmt(gate.minAbsoluteChange)}`);
  }
  if (gate.minRelativeChange !== undefined) {
    parts.push(`min relative change ${fmt(gate.minRelativeChange)}`);
  }
  return parts.join(', ');
}

function failedChecks(verdict: MetricGateVerdict): string {
  return verdict.checks
    .filter((check) => !check.passed)
    .map((check) => check.detail)
    .join('; ');
}
