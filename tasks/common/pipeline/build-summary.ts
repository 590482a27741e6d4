import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';

/** Escapes text for a Markdown table cell. */
export function cell(text: string | number | undefined): string {
  return String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** A Markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: (string | number | undefined)[][]): string {
  const line = (cells: (string | number | undefined)[]): string =>
    `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Writes Markdown to the agent's temp folder and attaches it to the build summary. */
export function uploadBuildSummary(fileStem: string, markdown: string): void {
  const folder = tl.getVariable('Agent.TempDirectory') ?? os.tmpdir();
  const unique = `${fileStem}-${process.pid}-${Date.now()}.md`;
  const file = path.join(folder, unique);
  fs.writeFileSync(file, markdown, 'utf8');
  tl.uploadSummary(file);
}
