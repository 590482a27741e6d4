/**
 * The live validation report as Markdown for the build summary: the verdict, a table of the
 * checks, the lines behind each check that did not pass, and the latency figures.
 */
import type { LiveCheck, LiveReport } from './live-report';

const MARKS: Readonly<Record<LiveCheck['status'], string>> = {
  passed: '✅ passed',
  failed: '❌ failed',
  warning: '⚠️ warning',
  skipped: '➖ skipped',
};

/** Renders the report; `heading` is the Markdown heading level of its title (2 unless set). */
export function renderLiveReport(report: LiveReport, heading = 2): string {
  const h = '#'.repeat(heading);
  const verdict = report.result === 'passed' ? '✅ passed' : '❌ failed';
  const version =
    report.requestedVersion !== undefined
      ? ` version ${report.requestedVersion}`
      : report.servedVersions.length > 0
        ? ` (served versions: ${report.servedVersions.join(', ')})`
        : '';
  const server = report.serverVersion === undefined ? '' : ` (Triton ${report.serverVersion})`;
  const lines = [
    `${h} Live validation of ${text(report.model)} on Triton: ${verdict}`,
    '',
    `Model ${code(report.model)}${text(version)} on ${text(report.serverUrl)}${server}, ` +
      `${(report.durationMs / 1000).toFixed(1)} s.`,
    '',
    table(
      ['Check', 'Result', 'Summary'],
      report.checks.map((check) => [check.title, MARKS[check.status], check.summary]),
    ),
  ];

  const explained = report.checks.filter(
    (check) => check.status !== 'passed' && check.details.length > 0,
  );
  for (const check of explained) {
    lines.push('', `${h}# ${text(check.title)}`, '', ...check.details.map(bullet));
  }

  const latency = report.latency;
  if (latency !== undefined) {
    const ms = (value: number): string => `${value.toFixed(1)} ms`;
    lines.push(
      '',
      `${h}# Latency`,
      '',
      table(
        [
          'Requests',
          'Concurrency',
          'Failed',
          'p50',
          'p95',
          'p99',
          'Max',
          'Throughput',
          'p95 budget',
        ],
        [
          [
            String(latency.requests),
            String(latency.concurrency),
            String(latency.failures),
            ms(latency.p50Ms),
            ms(latency.p95Ms),
            ms(latency.p99Ms),
            ms(latency.maxMs),
            `${latency.throughputPerSecond.toFixed(1)}/s`,
            latency.p95BudgetMs === undefined ? '-' : `${latency.p95BudgetMs} ms`,
          ],
        ],
      ),
    );
  }
  if (report.notes.length > 0) lines.push('', `${h}# Notes`, '', ...report.notes.map(bullet));
  return `${lines.join('\n')}\n`;
}

/** One line for the task log: the verdict and each check's outcome. */
export function summarizeLiveReport(report: LiveReport): string {
  const checks = report.checks.map((check) => `${check.title}: ${check.status}`).join('; ');
  return `Live validation of '${report.model}' ${report.result}: ${checks}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function cell(value: string): string {
  return text(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function bullet(value: string): string {
  // Indented detail lines (the differing elements) stay nested under their heading line.
  const depth = /^\s+/.exec(value)?.[0].length ?? 0;
  return `${depth > 0 ? '  ' : ''}- ${text(value.trim())}`;
}

/** Server messages may hold markup: shown as text, never rendered. */
function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``;
}
