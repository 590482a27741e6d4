import { tagValue, type KeyValue } from '../mlflow/types';

/** A tag the challenger version must carry; with a value, it must have exactly that value. */
export interface RequiredTag {
  key: string;
  value?: string;
  /** Where it was written, for messages: e.g. `requiredTags line 1`. */
  origin: string;
}

/** The verdict on one required tag. */
export interface TagGateVerdict {
  required: RequiredTag;
  /** The challenger's value, undefined when the tag is missing. */
  actual: string | undefined;
  passed: boolean;
  detail: string;
}

/** Checks one required tag against the challenger version's tags. */
export function evaluateRequiredTag(
  required: RequiredTag,
  tags: readonly KeyValue[] | undefined,
): TagGateVerdict {
  const actual = tagValue(tags, required.key);
  if (actual === undefined) {
    return { required, actual, passed: false, detail: `the challenger has no tag ${required.key}` };
  }
  if (required.value !== undefined && actual !== required.value) {
    return {
      required,
      actual,
      passed: false,
      detail: `${required.key} is "${actual}", not "${required.value}"`,
    };
  }
  return { required, actual, passed: true, detail: `${required.key} is "${actual}"` };
}
