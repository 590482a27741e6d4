import { markdownTable } from '../common/pipeline/build-summary';
import type { RegisterOutcome } from './operation';

/** The build summary: what was registered, from where, with links to MLflow's UI. */
export function summaryMarkdown(outcome: RegisterOutcome): string {
  const { name, version, source } = outcome;
  const rows: (string | undefined)[][] = [
    ['Registered model', `[${name}](${outcome.modelUrl})`],
    ['Version', `[${version.version}](${outcome.versionUrl})`],
    ['Status', version.status ?? 'READY'],
    ['Model URI', `\`${outcome.modelUri}\``],
    ['Source', `\`${source.source}\``],
  ];
  if (source.runId) {
    rows.push(['Run', source.runUrl ? `[${source.runId}](${source.runUrl})` : source.runId]);
  }
  if (source.modelId) rows.push(['Logged model', `\`${source.modelId}\``]);
  if (outcome.alias) {
    const before = outcome.alias.previousVersion;
    rows.push([
      'Alias',
      `\`${outcome.alias.name}\` → ${version.version}` +
        (before !== undefined && before !== version.version ? ` (was ${before})` : ''),
    ]);
  }
  if (outcome.how !== 'created') rows.push(['Note', noteFor(outcome.how)]);
  rows.push(['MLflow server', `${outcome.server.version} at ${outcome.serverUrl}`]);
  return [
    `### ${name} version ${version.version} registered`,
    '',
    markdownTable(['What', 'Value'], rows),
    '',
  ].join('\n');
}

function noteFor(how: RegisterOutcome['how']): string {
  return how === 'reused'
    ? 'Reused the version an earlier attempt of this pipeline registered from the same run.'
    : 'Recovered the version whose create answer was lost in transit.';
}
