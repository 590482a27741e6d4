import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import type { Finding } from '../common/triton/finding';
import type { ValidatedSource } from './report';

/** One finding as an Azure DevOps issue: the fields of `##vso[task.logissue]`. */
export interface FindingIssue {
  type: 'error' | 'warning';
  message: string;
  /** The file on the agent; absent for downloaded files, which are not in the repository. */
  sourcePath?: string;
  line?: number;
  column?: number;
  /** The rule id, shown by Azure DevOps as the issue's code. */
  code: string;
}

/**
 * Turns a finding into an issue. For a folder, the source path is the file's absolute path on
 * the agent: the agent checks that the file exists and makes the path relative to the checked
 * out repository itself, which a relative path would defeat (the agent does not run in the
 * sources folder). Downloaded registry files are named in the message instead.
 */
export function findingIssue(finding: Finding, source: ValidatedSource): FindingIssue {
  const fix = finding.fix === undefined ? '' : ` Fix: ${finding.fix}`;
  const issue: FindingIssue = {
    type: finding.severity,
    message: `${finding.message}${fix}`,
    code: finding.rule,
  };
  if (source.registry !== undefined) {
    const { name, version } = source.registry;
    issue.message = `models:/${name}/${version} ${findingPlace(finding)}: ${issue.message}`;
    return issue;
  }
  if (finding.file === '') return issue;
  issue.sourcePath = path.join(source.root, ...finding.file.split('/'));
  if (finding.line > 0) {
    issue.line = finding.line;
    issue.column = finding.column;
  }
  return issue;
}

/** `file:line:column`, or the file alone for findings about a whole file. */
export function findingPlace(finding: Finding): string {
  const file = finding.file === '' ? '(model folder)' : finding.file;
  return finding.line > 0 ? `${file}:${finding.line}:${finding.column}` : file;
}

/** Logs every finding as an issue, so each shows on its file and line. */
export function logFindingIssues(findings: readonly Finding[], source: ValidatedSource): void {
  for (const finding of findings) {
    const issue = findingIssue(finding, source);
    tl.logIssue(
      issue.type === 'error' ? tl.IssueType.Error : tl.IssueType.Warning,
      issue.message,
      issue.sourcePath,
      issue.line,
      issue.column,
      issue.code,
    );
  }
}
