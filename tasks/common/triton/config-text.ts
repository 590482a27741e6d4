/**
 * Validates the text of one config.pbtxt: parse it against Triton's schema, then, when it
 * parses, apply Triton's load-time rules. Used on its own by callers that have no folder.
 */
import { checkConfigRules } from './config-rules';
import { Finding } from './finding';
import { MODEL_CONFIG_SCHEMA, MODEL_CONFIG_TYPE } from './model-config-schema';
import { PbMessageNode } from './pbtxt-ast';
import { parsePbtxt } from './pbtxt-parser';
import { ModelFacts, ValidationOptions } from './rule-context';

/** The findings for one config text, and the parsed config when it parsed. */
export interface ConfigTextResult {
  findings: Finding[];
  config: PbMessageNode | undefined;
}

/**
 * Parses and checks a config text. Rules run only when protobuf would accept the text, as
 * Triton reads nothing further from a config it cannot parse.
 */
export function checkConfigText(
  text: string,
  fileName: string,
  facts: ModelFacts,
  options: ValidationOptions,
): ConfigTextResult {
  const parsed = parsePbtxt(text, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
  const findings: Finding[] = parsed.issues.map((issue) => ({ ...issue, file: fileName }));
  const parses = parsed.root !== undefined && !findings.some((f) => f.severity === 'error');
  if (!parses || parsed.root === undefined) return { findings, config: undefined };
  findings.push(...checkConfigRules(parsed.root, fileName, facts, options));
  return { findings, config: parsed.root };
}
