import type { Benchmark, BenchRow } from './bench-types';
import * as extension from './extension.bench';
import * as logRun from './log-run.bench';
import * as tritonValidate from './triton-validate.bench';

/** Every benchmark of the project, run one after the other on a quiet machine. */
const BENCHMARKS: [string, Benchmark][] = [
  ['extension', extension.run],
  ['MLflowLogRun', logRun.run],
  ['Triton validation', tritonValidate.run],
];

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function printTable(rows: BenchRow[]): void {
  const header = ['benchmark', 'value', 'baseline (same run)', 'ratio', 'target', 'ok'];
  const lines = rows.map((row) => [
    row.name,
    `${format(row.value)} ${row.unit}`,
    row.baseline ? `${row.baseline.name}: ${format(row.baseline.value)}` : '',
    row.ratio === undefined ? '' : `${format(row.ratio)}x`,
    row.target ?? '',
    row.pass === undefined ? '' : row.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((l) => l[i]!.length)),
  );
  const render = (cells: string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(render(header));
  console.log(render(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(render(line));
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const [name, benchmark] of BENCHMARKS) {
    if (only.length > 0 && !only.some((word) => name.toLowerCase().includes(word.toLowerCase()))) {
      continue;
    }
    process.stderr.write(`running ${name} benchmarks...\n`);
    rows.push(...(await benchmark()));
  }
  printTable(rows);
  if (rows.some((row) => row.pass === false)) process.exitCode = 1;
}

void main();
