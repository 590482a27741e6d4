import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/task-runner';
import { checkPipeline } from './pipeline-check';
import { readManifests, type TaskManifest } from './task-manifests';

const PIPELINES = path.join(REPO_ROOT, 'examples', 'pipelines');
const files = fs.readdirSync(PIPELINES).filter((name) => /\.ya?ml$/.test(name));
const manifests = readManifests(path.join(REPO_ROOT, 'tasks'));
const read = (file: string): string => fs.readFileSync(path.join(PIPELINES, file), 'utf8');

describe('example pipelines against the task.json files', () => {
  it('has the commit, rollback and pull-request pipelines', () => {
    for (const file of ['train-to-production.yml', 'rollback.yml', 'pull-request.yml']) {
      assert.ok(files.includes(file), `examples/pipelines/${file} is missing`);
    }
  });

  for (const file of files) {
    it(`${file}: every task, input and output variable it uses exists`, () => {
      assert.deepEqual(checkPipeline(file, read(file), manifests).problems, []);
    });
  }

  it('train-to-production reads outputs across jobs and stages in the forms they need', () => {
    const { resolved } = checkPipeline('t', read('train-to-production.yml'), manifests);
    assert.deepEqual(resolved, [
      "stage Register, job Register: stageDependencies.Train.Train.outputs['logRun.runId']",
      "stage Staging: stageDependencies.Register.Register.outputs['register.modelVersion']",
      "stage Production: stageDependencies.Register.Register.outputs['register.modelVersion']",
      'stage Production, job DeployProduction: ' +
        "dependencies.Promote.outputs['Promote.promote.championVersion']",
      'stage Production, job DeployProduction: ' +
        "dependencies.Promote.outputs['Promote.promote.promoted']",
    ]);
  });

  it('rollback deploys the version the rollback step reports', () => {
    const { resolved } = checkPipeline('r', read('rollback.yml'), manifests);
    assert.deepEqual(resolved, [
      'stage Rollback, job DeployProduction: ' +
        "dependencies.Rollback.outputs['Rollback.rollback.championVersion']",
    ]);
  });

  it('the pull-request pipeline registers nothing', () => {
    assert.doesNotMatch(read('pull-request.yml'), /RegisterModel@|SetAlias@|PromoteToChampion@/);
  });

  // The same checks fail on the real file once it is broken, so a pass above means something.
  const broken: [string, string, string, RegExp][] = [
    [
      'an output RegisterModel does not declare',
      "outputs['register.modelVersion']",
      "outputs['register.version']",
      /stage Staging: .*step register \(RegisterModel@1\) declares no output variable version/,
    ],
    [
      'a value outside a pickList',
      'liveMode: wait',
      'liveMode: waiting',
      /step live: input liveMode is 'waiting'; ValidateTritonModel@1 allows /,
    ],
    [
      'an input the task does not have',
      'tritonUrl: $(stagingTritonUrl)\n                    modelRepository',
      'tritonURI: $(stagingTritonUrl)\n                    modelRepository',
      /step deploy: input tritonURI is not an input of DeployToTriton@1/,
    ],
  ];
  for (const [what, from, to, expected] of broken) {
    it(`train-to-production with ${what} is reported`, () => {
      const text = read('train-to-production.yml');
      assert.ok(text.includes(from), `the example no longer contains ${from}`);
      const { problems } = checkPipeline(
        'train-to-production.yml',
        text.replace(from, to),
        manifests,
      );
      assert.ok(
        problems.some((problem) => expected.test(problem)),
        `expected ${String(expected)} among:\n${problems.join('\n')}`,
      );
    });
  }
});

/** Two small tasks, so the checker's cases do not move when a real task.json changes. */
const FAKE_TASKS: TaskManifest[] = [
  {
    name: 'MLflowLogRun',
    version: { Major: 1, Minor: 4, Patch: 0 },
    inputs: [
      { name: 'experimentName', type: 'string', label: 'Experiment', required: true },
      {
        name: 'mode',
        type: 'pickList',
        defaultValue: 'fast',
        options: { fast: 'Fast', full: 'Full' },
      },
      { name: 'quiet', type: 'boolean', defaultValue: 'false' },
    ],
    outputVariables: [{ name: 'runId' }, { name: 'runUrl' }],
  },
  {
    name: 'Publish',
    version: { Major: 2, Minor: 0, Patch: 1 },
    inputs: [
      { name: 'runId', type: 'string', required: true, aliases: ['run'] },
      {
        name: 'source',
        type: 'pickList',
        defaultValue: 'folder',
        options: { folder: 'Folder', registry: 'Registry' },
      },
      { name: 'folder', type: 'filePath', required: true, visibleRule: 'source = folder' },
      { name: 'version', type: 'string', visibleRule: 'source = registry' },
    ],
    outputVariables: [{ name: 'version' }],
  },
];
const fakeManifests = new Map(FAKE_TASKS.map((task) => [task.name.toLowerCase(), task]));

const BASE = `
variables:
  experiment: iris
stages:
  - stage: Train
    jobs:
      - job: Train
        steps:
          - task: MLflowLogRun@1
            name: logRun
            inputs:
              experimentName: $(experiment)
              mode: full
              quiet: true
          - script: echo "##vso[task.setvariable variable=note;isOutput=true]$(mlflowRunId)"
            name: note
      - job: Check
        dependsOn: Train
        variables:
          runId: $[ dependencies.Train.outputs['logRun.runId'] ]
        steps:
          - script: echo $(runId)
  - stage: Publish
    variables:
      runId: $[ stageDependencies.Train.Train.outputs['logRun.runId'] ]
    jobs:
      - deployment: Release
        environment: production
        strategy:
          runOnce:
            deploy:
              steps:
                - task: Publish@2
                  name: publish
                  inputs:
                    run: $(runId)
                    source: registry
                    version: '3'
                - script: echo $(publish.version) $(Build.BuildId)
      - deployment: Serve
        dependsOn: Release
        variables:
          version: $[ dependencies.Release.outputs['Release.publish.version'] ]
        environment:
          name: production
          resourceType: virtualMachine
          resourceName: node1
        strategy:
          runOnce:
            deploy:
              steps:
                - script: echo "##vso[task.setvariable variable=served;isOutput=true]$(version)"
                  name: serve
  - stage: Report
    dependsOn: [Train, Publish]
    condition: eq(dependencies.Publish.outputs['Serve.Deploy_node1.serve.served'], '3')
    variables:
      served: $[ stageDependencies.Publish.Serve.outputs['Deploy_node1.serve.served'] ]
    jobs:
      - job: Show
        variables:
          trainedRun: $[ stageDependencies.Train.Train.outputs['logRun.runId'] ]
        steps:
          - script: echo $(served) $(trainedRun)
`;

describe('the pipeline checker', () => {
  it('accepts a pipeline whose references all hold, and resolves each of them', () => {
    const report = checkPipeline('base.yml', BASE, fakeManifests);
    assert.deepEqual(report.problems, []);
    assert.equal(report.resolved.length, 6);
  });

  const cases: [string, string, string, RegExp][] = [
    ['a misspelt input', 'mode: full', 'mod: full', /input mod is not an input of MLflowLogRun@1/],
    [
      'a missing required input',
      '              experimentName: $(experiment)\n',
      '',
      /step logRun: MLflowLogRun@1 needs input experimentName \(Experiment\)/,
    ],
    [
      'a required input its visibleRule shows',
      'source: registry',
      'source: folder',
      /step publish: Publish@2 needs input folder/,
    ],
    [
      'a value outside the pickList',
      'mode: full',
      'mode: quick',
      /input mode is 'quick'; MLflowLogRun@1 allows fast, full/,
    ],
    [
      'a boolean that is not one',
      'quiet: true',
      'quiet: yes',
      /quiet is 'yes'; give true or false/,
    ],
    [
      'an older major version',
      'Publish@2',
      'Publish@1',
      /Publish@1: .*version 2\.0; write Publish@2/,
    ],
    ['a task with no folder', 'Publish@2', 'Publsh@2', /Publsh@2: no folder tasks\/Publsh with/],
    [
      'an output the task does not declare',
      "outputs['logRun.runId'] ]\n        steps",
      "outputs['logRun.experimentId'] ]\n        steps",
      /job Check: .*step logRun \(MLflowLogRun@1\) declares no output variable experimentId/,
    ],
    [
      'a step name the job does not have',
      "runId: $[ stageDependencies.Train.Train.outputs['logRun.runId']",
      "runId: $[ stageDependencies.Train.Train.outputs['train.runId']",
      /stage Publish: .*job Train has no step named train \(named steps: logRun, note\)/,
    ],
    [
      'another stage read with the same-stage syntax',
      'trainedRun: $[ stageDependencies.Train.Train.outputs',
      'trainedRun: $[ dependencies.Train.outputs',
      /job Show: .*names no job of this stage; Train is in stage Train: read it with stageDep/,
    ],
    [
      'a stage read without depending on it',
      'dependsOn: [Train, Publish]',
      'dependsOn: [Publish]',
      /stage Report, job Show: .*reads stage Train, but dependsOn does not name it/,
    ],
    [
      'a job read without depending on it',
      'dependsOn: Train\n',
      'timeoutInMinutes: 5\n',
      /job Check: .*reads job Train, but dependsOn does not name it/,
    ],
    [
      "a deployment job's output without its job prefix",
      "outputs['Release.publish.version']",
      "outputs['publish.version']",
      /job Serve: .*Release is a runOnce deployment job; .*'Release.<step>.<variable>'/,
    ],
    [
      "a resource deployment's output keyed by its job name",
      "Serve.outputs['Deploy_node1.serve.served']",
      "Serve.outputs['Serve.serve.served']",
      /stage Report: .*read as 'Deploy_node1.<step>.<variable>'/,
    ],
    [
      'a variable the script step does not set',
      "outputs['Deploy_node1.serve.served'] ]",
      "outputs['Deploy_node1.serve.serve'] ]",
      /step serve declares no output variable serve \(it declares: served\)/,
    ],
    [
      'a misspelt output of a step in the same job',
      '$(publish.version)',
      '$(publish.versoin)',
      /\$\(publish\.versoin\): step publish declares no output variable versoin/,
    ],
    [
      'an undefined variable',
      '$(experiment)',
      '$(experimnt)',
      /step logRun: \$\(experimnt\) is not a defined variable/,
    ],
    [
      "MLflowLogRun's job variable outside its job",
      'echo $(runId)',
      'echo $(mlflowRunId)',
      /job Check, step 1: \$\(mlflowRunId\) is not a defined variable/,
    ],
    [
      "another job's output read inside a step",
      'echo $(runId)',
      "echo $[ dependencies.Train.outputs['logRun.runId'] ]",
      /outputs of other jobs are read only in variables and conditions/,
    ],
  ];
  for (const [what, from, to, expected] of cases) {
    it(`reports ${what}`, () => {
      assert.ok(BASE.includes(from), `the base pipeline has no ${from}`);
      const { problems } = checkPipeline('base.yml', BASE.replace(from, to), fakeManifests);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', /^base\.yml: /);
      assert.match(problems[0] ?? '', expected);
    });
  }
});
