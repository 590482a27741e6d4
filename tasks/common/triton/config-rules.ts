/**
 * Runs Triton's load-time rules over a parsed config: the config is first completed the way
 * Triton completes it (name, platform, backend, default model file), then every rule reports.
 */
import { Finding } from './finding';
import { PbMessageNode, str } from './pbtxt-ast';
import { autoCompleteModel } from './platforms';
import { ConfigRule, createRuleContext, ModelFacts, ValidationOptions } from './rule-context';
import { checkDynamicBatching } from './rules-batching';
import { checkEnsemble } from './rules-ensemble';
import { checkCheckedEnums } from './rules-enums';
import { checkModelMetrics, checkResponseCache, checkWarmup } from './rules-features';
import { checkInstanceGroups } from './rules-instance-group';
import { checkBatchInputsAndOutputs, checkInputsAndOutputs } from './rules-io';
import { checkBatchSizeAndVersions, checkPlatformAndBackend } from './rules-platform';
import { checkSequenceBatching } from './rules-sequence';
import { EffectiveModel } from './rule-context';

/** Every rule, in the order Triton meets them when it loads a model. */
export const CONFIG_RULES: readonly ConfigRule[] = [
  checkPlatformAndBackend,
  checkBatchSizeAndVersions,
  checkDynamicBatching,
  checkSequenceBatching,
  checkEnsemble,
  checkResponseCache,
  checkModelMetrics,
  checkInstanceGroups,
  checkInputsAndOutputs,
  checkBatchInputsAndOutputs,
  checkWarmup,
  checkCheckedEnums,
];

/** The model as Triton completes it from the config and, when known, its folder. */
export function effectiveModel(config: PbMessageNode, facts: ModelFacts): EffectiveModel {
  const written: EffectiveModel = {
    name: str(config, 'name'),
    platform: str(config, 'platform'),
    backend: str(config, 'backend'),
    defaultModelFilename: str(config, 'default_model_filename'),
  };
  return autoCompleteModel(written, facts.folderName, facts.firstSubfolderEntries);
}

/** Applies every rule to a parsed config and returns the findings. */
export function checkConfigRules(
  config: PbMessageNode,
  file: string,
  facts: ModelFacts,
  options: ValidationOptions,
): Finding[] {
  const findings: Finding[] = [];
  const ctx = createRuleContext(
    config,
    file,
    facts,
    options,
    effectiveModel(config, facts),
    findings,
  );
  for (const rule of CONFIG_RULES) rule(ctx);
  return findings;
}
