import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../../../tasks/common/triton/finding';
import { validateConfigText } from '../../../tasks/common/triton/validate';

/**
 * Runs every config under ../shared/fixtures/triton (beside the clone in CI). Expectations come
 * from each invalid fixture's EXPECTED.md (and positions quoted in SOURCES.md), so fixtures can
 * be added without touching this file.
 */
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const fixtures = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'triton');

/** What an EXPECTED.md asks of the validator. */
interface Expectation {
  kind: 'parse-error' | 'error' | 'warning-only';
  /** `line:column` of a parse error, when the fixture's documents give one. */
  position?: string;
  /** Code snippets quoted in EXPECTED.md: a finding must be on a line that contains one. */
  snippets: string[];
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Reads EXPECTED.md: its heading says the kind, its "Static check" paragraph may relax it. */
export function readExpectation(expected: string, sourcesNote: string | undefined): Expectation {
  const heading = /^#\s*Expected:?(.*)$/im.exec(expected)?.[1]?.toLowerCase() ?? '';
  const staticCheck = /static check[^:]*:([\s\S]*)$/i.exec(expected)?.[1] ?? '';
  const snippets = [...expected.matchAll(/`([^`\n]+)`/g)].map((m) => squash(m[1] ?? ''));
  const position =
    /line (\d+),? column (\d+)/i.exec(expected) ?? /\b(\d+):(\d+)\b/.exec(sourcesNote ?? '');
  const at = position ? `${position[1]}:${position[2]}` : undefined;

  let kind: Expectation['kind'] = 'error';
  if (/parse error/.test(heading)) kind = 'parse-error';
  else if (
    /\bPASS\b|must not fail offline|should WARN|at most warn/.test(staticCheck) ||
    /valid text|depends on the (host|server)/.test(heading)
  ) {
    kind = 'warning-only';
  }
  return at === undefined ? { kind, snippets } : { kind, snippets, position: at };
}

/** Lines (1-based) of the config, outside comments, that contain one of the snippets. */
function snippetLines(config: string, snippets: string[]): Set<number> {
  const lines = new Set<number>();
  config.split('\n').forEach((line, index) => {
    const code = squash(line.replace(/#.*$/, ''));
    if (code !== '' && snippets.some((s) => s !== '' && code.includes(s))) lines.add(index + 1);
  });
  return lines;
}

function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}`).join('; ');
}

function listFixtures(kind: string): string[] {
  const folder = path.join(fixtures, kind);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => fs.existsSync(path.join(folder, name, 'config.pbtxt')))
    .sort();
}

function sourcesNoteFor(name: string): string | undefined {
  const sources = path.join(fixtures, 'SOURCES.md');
  if (!fs.existsSync(sources)) return undefined;
  return fs
    .readFileSync(sources, 'utf8')
    .split('\n')
    .find((line) => line.trim().startsWith(`- ${name}:`));
}

describe('Triton fixture corpus', function () {
  before(function () {
    if (!fs.existsSync(fixtures)) this.skip();
  });

  describe('valid configs load without error', () => {
    for (const name of listFixtures('valid')) {
      it(name, () => {
        const text = fs.readFileSync(path.join(fixtures, 'valid', name, 'config.pbtxt'), 'utf8');
        const { findings } = validateConfigText(text, 'config.pbtxt');
        const errors = findings.filter((f) => f.severity === 'error');
        assert.deepEqual(errors, [], describeFindings(errors));
      });
    }
  });

  describe('invalid configs are reported as their EXPECTED.md says', () => {
    for (const name of listFixtures('invalid')) {
      it(name, () => {
        const folder = path.join(fixtures, 'invalid', name);
        const config = fs.readFileSync(path.join(folder, 'config.pbtxt'), 'utf8');
        const expectedFile = path.join(folder, 'EXPECTED.md');
        assert.ok(fs.existsSync(expectedFile), `${name} has no EXPECTED.md`);
        const expectation = readExpectation(
          fs.readFileSync(expectedFile, 'utf8'),
          sourcesNoteFor(name),
        );
        const { findings } = validateConfigText(config, 'config.pbtxt');
        const all = describeFindings(findings);
        const errors = findings.filter((f) => f.severity === 'error');

        if (expectation.kind === 'warning-only') {
          assert.deepEqual(errors, [], `expected a pass with warnings, got: ${all}`);
        }
        const severity = expectation.kind === 'warning-only' ? 'warning' : 'error';
        let candidates = findings.filter((f) => f.severity === severity);
        if (expectation.kind === 'parse-error') {
          candidates = candidates.filter((f) => f.rule.startsWith('pbtxt.'));
        }
        assert.ok(candidates.length > 0, `expected a ${expectation.kind}, got: ${all}`);

        if (expectation.position !== undefined && expectation.kind === 'parse-error') {
          const at = candidates.map((f) => `${f.line}:${f.column}`);
          assert.ok(at.includes(expectation.position), `expected ${expectation.position}: ${all}`);
        }
        const lines = snippetLines(config, expectation.snippets);
        if (lines.size > 0 && expectation.position === undefined) {
          const onLine = candidates.filter((f) => lines.has(f.line));
          assert.ok(onLine.length > 0, `expected on one of lines ${[...lines].join(', ')}: ${all}`);
        }
      });
    }
  });
});

describe('EXPECTED.md reading', () => {
  const table: Array<[string, string | undefined, Expectation]> = [
    [
      '# Expected: text-format parse error at line 29, column 17\nStatic check: must fail',
      undefined,
      { kind: 'parse-error', snippets: [], position: '29:17' },
    ],
    [
      '# Expected: text-format parse error\nthe value `512`',
      '- some-fixture: 23:16 "Expected string"',
      { kind: 'parse-error', snippets: ['512'], position: '23:16' },
    ],
    [
      '# Expected: rejected at load\n`max_batch_size: -2`.\nStatic check: max_batch_size < 0.',
      undefined,
      { kind: 'error', snippets: ['max_batch_size: -2'] },
    ],
    [
      '# Expected: rejected at load (depends on the host)\nStatic check: at most warn.',
      undefined,
      { kind: 'warning-only', snippets: [] },
    ],
    [
      '# Expected: valid text. Whether it loads depends on the server\nStatic check: PASS.',
      undefined,
      { kind: 'warning-only', snippets: [] },
    ],
  ];
  for (const [text, note, expected] of table) {
    it(`reads "${text.split('\n')[0] ?? ''}"`, () => {
      assert.deepEqual(readExpectation(text, note), expected);
    });
  }
});
