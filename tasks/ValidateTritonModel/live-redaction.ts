import type { LiveReport } from '../common/triton/live/live-report';

/**
 * The live report with the Triton URL's user and password replaced by `***`. The agent masks
 * registered secrets in the log, but not in the build summary it uploads, nor in MLflow tags.
 */
export function redactLiveReport(report: LiveReport, tritonUrl: string): LiveReport {
  const userInfo = /^[a-z][\w+.-]*:\/\/([^/?#@]*)@/i.exec(tritonUrl)?.[1];
  if (userInfo === undefined || userInfo === '') return report;
  const redact = (text: string): string => text.split(`${userInfo}@`).join('***@');
  return {
    ...report,
    serverUrl: redact(report.serverUrl),
    checks: report.checks.map((check) => ({
      ...check,
      summary: redact(check.summary),
      details: check.details.map(redact),
    })),
    notes: report.notes.map(redact),
  };
}
