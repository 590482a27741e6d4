import { UserError } from '../../user-error';

/** MLflow's longest alias name, counted in characters as Python counts them. */
export const MAX_ALIAS_LENGTH = 255;

// Python's \w and \d are Unicode-aware, so MLflow accepts letters and digits of any script.
const ALIAS_CHARACTERS = /^[\p{L}\p{N}_-]*$/u;
const VERSION_LIKE = /^[vV]\p{Nd}+$/u;

/**
 * Why MLflow would refuse an alias name, in MLflow's own words, or undefined when it accepts
 * it. The checks run in MLflow's order, so the first reason is the one the server would give.
 */
export function aliasNameProblem(alias: string): string | undefined {
  if (alias === '') return 'Registered model alias name cannot be empty.';
  if (!ALIAS_CHARACTERS.test(alias)) {
    return (
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, ` +
      'underscores (_), and dashes (-).'
    );
  }
  const length = [...alias].length;
  if (length > MAX_ALIAS_LENGTH) {
    return (
      `Registered model alias name '${[...alias].slice(0, 250).join('')}' had length ` +
      `${length}, which exceeded length limit of ${MAX_ALIAS_LENGTH}`
    );
  }
  if (alias.toLowerCase() === 'latest') {
    return "'latest' alias name (case insensitive) is reserved.";
  }
  if (VERSION_LIKE.test(alias)) return `Version alias name '${alias}' is reserved.`;
  return undefined;
}

/** Throws a UserError naming the input when MLflow would refuse the alias name. */
export function checkAliasName(alias: string, inputName: string): void {
  const problem = aliasNameProblem(alias);
  if (problem === undefined) return;
  throw new UserError(
    `Input ${inputName}: MLflow refuses the alias "${alias}": ${problem} Use letters, digits, ` +
      `"_" and "-", at most ${MAX_ALIAS_LENGTH} characters, e.g. "champion"; "latest" and ` +
      `"v" followed by digits are reserved for versions.`,
  );
}
