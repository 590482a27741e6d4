import * as assert from 'node:assert/strict';
import { aliasTagKey } from '../../../tasks/common/mlflow/registry/alias-audit';
import { aliasNameProblem, checkAliasName } from '../../../tasks/common/mlflow/registry/alias-name';
import {
  isLocalPath,
  loggedModelIdOf,
  parseRunsUri,
} from '../../../tasks/common/mlflow/registry/source-uri';
import { checkVersionNumber } from '../../../tasks/common/mlflow/registry/versions';

describe('alias names, by MLflow rules', () => {
  const accepted = [
    'champion',
    'previous-champion',
    'challenger_2',
    'v',
    'v1a',
    'V1-rc',
    'latest-stable',
    'modèle',
    'модель',
    '1',
    'a'.repeat(255),
  ];
  for (const alias of accepted) {
    it(`accepts "${alias.slice(0, 20)}"`, () => assert.equal(aliasNameProblem(alias), undefined));
  }

  const refused: [string, string][] = [
    ['', 'Registered model alias name cannot be empty.'],
    [
      'bad alias!',
      "Invalid alias name: 'bad alias!'. Names may only contain alphanumerics, " +
        'underscores (_), and dashes (-).',
    ],
    ['a.b', "Invalid alias name: 'a.b'."],
    ['a/b', "Invalid alias name: 'a/b'."],
    ['rocket🚀', "Invalid alias name: 'rocket🚀'."],
    ['latest', "'latest' alias name (case insensitive) is reserved."],
    ['LATEST', "'latest' alias name (case insensitive) is reserved."],
    ['v1', "Version alias name 'v1' is reserved."],
    ['V42', "Version alias name 'V42' is reserved."],
    ['v١٢', "Version alias name 'v١٢' is reserved."],
    [
      'a'.repeat(256),
      `Registered model alias name '${'a'.repeat(250)}' had length 256, which exceeded ` +
        'length limit of 255',
    ],
  ];
  for (const [alias, reason] of refused) {
    it(`refuses "${alias.slice(0, 20)}" with MLflow's reason`, () => {
      const problem = aliasNameProblem(alias);
      assert.ok(problem?.startsWith(reason), `${problem} starts with ${reason}`);
    });
  }

  it('counts characters as Python does, not UTF-16 units', () => {
    // U+1D465 is one letter to Python and two UTF-16 units to JavaScript.
    assert.equal(aliasNameProblem('𝑥'.repeat(255)), undefined);
    assert.match(aliasNameProblem('𝑥'.repeat(256)) ?? '', /had length 256/);
  });

  it('names the input and the fix in the error a user sees', () => {
    assert.throws(
      () => checkAliasName('latest', 'championAlias'),
      (error: Error) =>
        /^Input championAlias: MLflow refuses the alias "latest": 'latest' alias name/.test(
          error.message,
        ) && /e\.g\. "champion"/.test(error.message),
    );
  });
});

describe('model sources', () => {
  const runsUris: [string, { runId: string; artifactPath: string }][] = [
    ['runs:/0fb8d9a7/model', { runId: '0fb8d9a7', artifactPath: 'model' }],
    ['runs:/0fb8d9a7/a/b/', { runId: '0fb8d9a7', artifactPath: 'a/b' }],
    ['runs:/0fb8d9a7', { runId: '0fb8d9a7', artifactPath: '' }],
    ['runs:/0fb8d9a7/', { runId: '0fb8d9a7', artifactPath: '' }],
    ['RUNS:/abc/model', { runId: 'abc', artifactPath: 'model' }],
  ];
  for (const [uri, expected] of runsUris) {
    it(`reads ${uri} as MLflow's client does`, () => {
      assert.deepEqual(parseRunsUri(uri, 'sourceUri'), expected);
    });
  }
  for (const uri of ['runs:/', 'runs://abc/model', 'runs:/-bad/model', 'runs:/a b/model']) {
    it(`refuses the malformed runs URI ${uri}, naming the input`, () => {
      assert.throws(
        () => parseRunsUri(uri, 'sourceUri'),
        /^Error: Input sourceUri: |Input sourceUri/,
      );
    });
  }

  const local = ['/tmp/model', './model', 'model', 'file:///tmp/m', 'FILE:/x', 'C:\\m', 'c:/m'];
  const remote = ['s3://b/k', 'mlflow-artifacts:/1/x', 'gs://b/k', 'https://h/m', 'runs:/a/b'];
  for (const uri of local) {
    it(`takes ${uri} for a path on the agent`, () => assert.equal(isLocalPath(uri), true));
  }
  for (const uri of remote) {
    it(`takes ${uri} for a place the server reads`, () => assert.equal(isLocalPath(uri), false));
  }

  it('knows a logged model URI from a registered one', () => {
    assert.equal(loggedModelIdOf('models:/m-c5d80bcaa3df44fe'), 'm-c5d80bcaa3df44fe');
    assert.equal(loggedModelIdOf('models:/churn/3'), undefined);
    assert.equal(loggedModelIdOf('models:/churn@champion'), undefined);
  });
});

describe('version numbers and audit tag keys', () => {
  it('accepts version numbers and refuses the rest, naming the input', () => {
    assert.equal(checkVersionNumber(' 7 ', 'version'), '7');
    assert.equal(checkVersionNumber('007', 'version'), '7');
    for (const bad of ['0', '-1', '1.5', 'two', 'v3']) {
      assert.throws(() => checkVersionNumber(bad, 'version'), /^UserError: Input version: /);
    }
  });

  it('keeps tag keys within MLflow 250 characters and distinct for long aliases', () => {
    assert.equal(aliasTagKey('champion'), 'azure_pipelines.alias.champion');
    const a = aliasTagKey(`${'x'.repeat(250)}a`);
    const b = aliasTagKey(`${'x'.repeat(250)}b`);
    assert.equal(a.length, 250);
    assert.notEqual(a, b);
  });
});
