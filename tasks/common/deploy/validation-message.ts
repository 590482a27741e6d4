/** The message that refuses a model the offline validation rejects, with its findings. */
import type { ValidationResult } from '../triton/validate';

const SHOWN_FINDINGS = 10;

/** Names the version, lists the errors with file and line, and says what to do. */
export function rejectionMessage(
  result: ValidationResult,
  modelUri: string,
  tritonModelName: string,
): string {
  const errors = result.findings.filter((finding) => finding.severity === 'error');
  const lines = errors.slice(0, SHOWN_FINDINGS).map((finding) => {
    const where = finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file || '.';
    const fix = finding.fix ? ` Fix: ${finding.fix}` : '';
    return `  ${where} [${finding.rule}] ${finding.message}${fix}`;
  });
  if (errors.length > SHOWN_FINDINGS)
    lines.push(`  ... and ${errors.length - SHOWN_FINDINGS} more`);
  return (
    `${modelUri} was not deployed: the Triton model folder '${tritonModelName}' built from it ` +
    `has ${errors.length} error(s), and Triton would refuse it. Nothing was changed.\n` +
    `${lines.join('\n')}\nFix the config logged with the model and register a new version.`
  );
}
