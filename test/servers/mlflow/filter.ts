import { invalidParameter } from './errors';

/** One `<entity> <comparator> <value>` clause of a search filter. */
export interface FilterClause {
  kind: 'metrics' | 'params' | 'tags' | 'attributes';
  key: string;
  comparator: string;
  value: string | number;
}

const numericComparators = ['=', '!=', '<', '<=', '>', '>='];
const wordComparators = ['LIKE', 'ILIKE', 'IN'];
const kindAliases: Record<string, FilterClause['kind']> = {
  metric: 'metrics',
  metrics: 'metrics',
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  tag: 'tags',
  tags: 'tags',
  attribute: 'attributes',
  attributes: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};

/**
 * Parses the subset of MLflow's search grammar the tasks use: clauses joined by AND, keys such
 * as `metrics.loss`, ``tags.`a b` `` or bare attributes, quoted strings and numbers.
 */
export function parseFilter(filter: string | undefined): FilterClause[] {
  if (filter === undefined || filter.trim() === '') {
    return [];
  }
  const clauses: FilterClause[] = [];
  let rest = filter.trim();
  for (;;) {
    const parsed = parseClause(rest, filter);
    clauses.push(parsed.clause);
    rest = parsed.rest.trim();
    if (rest === '') {
      return clauses;
    }
    const and = /^and\s+/i.exec(rest);
    if (and === null) {
      throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
    }
    rest = rest.slice(and[0].length);
  }
}

function parseClause(text: string, filter: string): { clause: FilterClause; rest: string } {
  const identifier = /^((?:[A-Za-z_][\w]*\.)?(?:`[^`]*`|"[^"]*"|[\w.:/-]+))\s*/.exec(text);
  if (identifier?.[1] === undefined) {
    throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
  }
  const { kind, key } = splitIdentifier(identifier[1]);
  let rest = text.slice(identifier[0].length);
  const symbol = /^([<>=!~]+)\s*/.exec(rest);
  const word = /^(not\s+like|like|ilike|in)\s+/i.exec(rest);
  let comparator: string;
  if (symbol?.[1] !== undefined) {
    comparator = symbol[1];
    rest = rest.slice(symbol[0].length);
    if (!numericComparators.includes(comparator)) {
      throw invalidParameter(
        `Invalid comparator '${comparator}' not one of '{'!=', '>', '=', '<=', '<', '>='}`,
      );
    }
  } else if (word?.[1] !== undefined) {
    comparator = word[1].toUpperCase().replace(/\s+/, ' ');
    rest = rest.slice(word[0].length);
  } else {
    throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
  }
  const quoted = /^(?:'([^']*)'|"([^"]*)")/.exec(rest);
  if (quoted !== null) {
    return {
      clause: { kind, key, comparator, value: quoted[1] ?? quoted[2] ?? '' },
      rest: rest.slice(quoted[0].length),
    };
  }
  const number = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(rest);
  if (number === null) {
    throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
  }
  return {
    clause: { kind, key, comparator, value: Number(number[0]) },
    rest: rest.slice(number[0].length),
  };
}

function splitIdentifier(identifier: string): { kind: FilterClause['kind']; key: string } {
  const dot = identifier.indexOf('.');
  const head = dot > 0 ? identifier.slice(0, dot).toLowerCase() : '';
  const kind = kindAliases[head];
  const key = kind === undefined ? identifier : identifier.slice(dot + 1);
  return { kind: kind ?? 'attributes', key: key.replace(/^[`"]|[`"]$/g, '') };
}

/** Whether a value satisfies a clause; absent values never match. */
export function clauseMatches(clause: FilterClause, actual: string | number | undefined): boolean {
  if (actual === undefined) {
    return false;
  }
  const expected = clause.value;
  switch (clause.comparator) {
    case 'LIKE':
      return likePattern(String(expected), '').test(String(actual));
    case 'ILIKE':
      return likePattern(String(expected), 'i').test(String(actual));
    case 'NOT LIKE':
      return !likePattern(String(expected), '').test(String(actual));
    case '=':
      return compare(actual, expected) === 0;
    case '!=':
      return compare(actual, expected) !== 0;
    case '<':
      return compare(actual, expected) < 0;
    case '<=':
      return compare(actual, expected) <= 0;
    case '>':
      return compare(actual, expected) > 0;
    case '>=':
      return compare(actual, expected) >= 0;
    default:
      return wordComparators.includes(clause.comparator) && String(actual) === String(expected);
  }
}

function compare(actual: string | number, expected: string | number): number {
  if (typeof actual === 'number' || typeof expected === 'number') {
    return Number(actual) - Number(expected);
  }
  return actual < expected ? -1 : actual > expected ? 1 : 0;
}

function likePattern(pattern: string, flags: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/%/g, '.*').replace(/_/g, '.')}$`, flags);
}
