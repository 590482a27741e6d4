import * as path from 'node:path';
import { markdownTable } from '../common/pipeline/build-summary';
import { renderLiveReport } from '../common/triton/live/report-markdown';
import { offlineVerdict, overallVerdict, type ValidationReport } from './report';

/** More rows than this make the summary page unreadable; the issues list keeps every one. */
const MAX_TABLE_ROWS = 200;

const VERDICTS: Record<string, string> = {
  passed: '✅ passed',
  passedWithWarnings: '⚠️ passed with warnings',
  failed: '❌ failed',
};

/** The build summary: the verdict, every finding in a table, the live report, the tags. */
export function validationSummary(report: ValidationReport, workingDirectory: string): string {
  const overall = overallVerdict(report);
  const model = report.modelName ?? report.source?.description ?? 'the model';
  const lines = [
    `## Triton validation of ${model}: ${overall === undefined ? '❌ failed' : VERDICTS[overall]}`,
    '',
  ];
  const source = report.source;
  if (source !== undefined) {
    const registry = source.registry;
    lines.push(
      registry === undefined
        ? `Validated the ${source.description}.`
        : `Validated [${source.description}](${registry.versionUrl}), downloaded from ` +
            `\`${registry.artifactUri}\`.`,
      '',
    );
  }
  lines.push(...offlineSection(report, workingDirectory));
  if (report.live.kind === 'ran') lines.push(renderLiveReport(report.live.report, 3));
  if (report.live.kind === 'error') {
    lines.push('### Live validation on Triton: ❌ could not run', '', report.live.reason, '');
  }
  if (report.live.kind === 'skipped') {
    lines.push('### Live validation on Triton: skipped', '', `Skipped: ${report.live.reason}.`, '');
  }
  if (report.tagsWritten.length > 0) {
    lines.push(
      '### Tags on the registry version',
      '',
      markdownTable(
        ['Tag', 'Value'],
        report.tagsWritten.map((tag) => [tag.key, tag.value]),
      ),
      '',
    );
  }
  if (report.tagProblem !== undefined) {
    lines.push(`The result could not be recorded on the version: ${report.tagProblem}`, '');
  }
  if (report.notes.length > 0) lines.push(...report.notes.map((note) => `- ${note}`), '');
  return lines.join('\n');
}

function offlineSection(report: ValidationReport, workingDirectory: string): string[] {
  const summary = report.summary;
  if (summary === undefined) return [];
  const verdict = offlineVerdict(report) ?? 'failed';
  const warningsFail =
    report.failOnWarning && summary.warnings > 0 ? ' (failOnWarning: warnings fail the task)' : '';
  const lines = [
    `### Offline validation: ${VERDICTS[verdict]}`,
    '',
    `${summary.models} model(s) checked: ${summary.errors} error(s), ` +
      `${summary.warnings} warning(s)${warningsFail}.`,
    '',
  ];
  if (report.findings.length === 0) return lines;
  const rows = report.findings
    .slice(0, MAX_TABLE_ROWS)
    .map((finding) => [
      finding.severity === 'error' ? '❌ error' : '⚠️ warning',
      finding.rule,
      shownFile(report, finding.file, workingDirectory),
      finding.line > 0 ? `${finding.line}:${finding.column}` : '',
      finding.message,
      finding.fix ?? '',
    ]);
  lines.push(markdownTable(['Severity', 'Rule', 'File', 'Line', 'Problem', 'Fix'], rows), '');
  const hidden = report.findings.length - rows.length;
  if (hidden > 0) {
    lines.push(`${hidden} more finding(s) are in the task's issues list.`, '');
  }
  return lines;
}

function shownFile(report: ValidationReport, file: string, workingDirectory: string): string {
  const source = report.source;
  if (source === undefined || source.registry !== undefined) return file;
  const absolute = path.join(source.root, ...file.split('/'));
  const relative = path.relative(workingDirectory, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative || '.';
}
