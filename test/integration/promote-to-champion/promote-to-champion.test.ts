import * as assert from 'node:assert/strict';
import { runBundledTask, type TaskRunOptions, type TaskRunResult } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startAzureDevOpsFake } from './azure-devops-fake';
import {
  aliases,
  auditTagsOf,
  pointAlias,
  registrySnapshot,
  seedVersion,
  type VersionSeed,
} from './registry-state';

const MODEL = 'churn-model';
const ALIAS_PATH = '/api/2.0/mlflow/registered-models/alias';

const PIPELINE = {
  'System.CollectionUri': 'https://dev.azure.com/contoso/',
  'System.TeamProject': 'Churn',
  'Build.DefinitionName': 'release',
  'Build.BuildId': '812',
  'Build.BuildNumber': '20261203.4',
  'Build.RequestedFor': 'Dana Requester',
  'System.StageName': 'Production',
};

function output(result: TaskRunResult, name: string): string | undefined {
  const variable = result.variables.get(name);
  assert.ok(variable === undefined || variable.isOutput, `${name} is an output variable`);
  return variable?.value;
}

function outputs(result: TaskRunResult): Record<string, string | undefined> {
  return {
    promoted: output(result, 'promoted'),
    championVersion: output(result, 'championVersion'),
    previousChampionVersion: output(result, 'previousChampionVersion'),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const mode of [2, 3] as const) {
  describe(`PromoteToChampion against MLflow ${mode}.x`, function () {
    this.timeout(60_000);
    let server: MlflowTestServer;
    beforeEach(async () => {
      server = await startMlflowServer({ mode });
    });
    afterEach(async () => server.close());

    const run = (
      inputs: Record<string, string>,
      options: Partial<TaskRunOptions> = {},
    ): Promise<TaskRunResult> =>
      runBundledTask('PromoteToChampion', {
        ...options,
        // No confirmation wait unless a test runs promotions at the same time.
        inputs: { modelName: MODEL, settleSeconds: '0', ...inputs },
        variables: { ...PIPELINE, ...options.variables },
        env: { MLFLOW_TRACKING_URI: server.url, ...options.env },
      });

    /** Champion v1 and challenger v2, each from its own run. */
    async function championAndChallenger(
      champion: VersionSeed,
      challenger: VersionSeed,
    ): Promise<void> {
      assert.equal(await seedVersion(server, MODEL, champion), '1');
      assert.equal(await seedVersion(server, MODEL, challenger), '2');
      await pointAlias(server, MODEL, 'champion', '1');
      await pointAlias(server, MODEL, 'challenger', '2');
    }

    it('promotes a first champion: comparisons pass, thresholds and tags apply', async () => {
      await seedVersion(server, MODEL, {
        metrics: { acc: 0.9 },
        tags: { 'triton.validation': 'passed' },
      });
      await pointAlias(server, MODEL, 'challenger', '1');

      const result = await run({
        metricGates: 'acc higher threshold=0.8 minAbsoluteChange=0.01',
        requiredTags: 'triton.validation=passed',
      });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(
        result.resultMessage,
        /Promoted version 1 of "churn-model" to "champion", its first champion/,
      );
      assert.deepEqual(outputs(result), {
        promoted: 'true',
        championVersion: '1',
        previousChampionVersion: '',
      });
      assert.deepEqual(aliases(server, MODEL), { challenger: '1', champion: '1' });
      const audit = auditTagsOf(server, MODEL, '1');
      assert.equal(audit['promotion.kind'], 'promotion');
      assert.equal(audit['promotion.replaced_version'], 'none');
      assert.equal(audit['promotion.build'], 'release 20261203.4 (build 812)');
      assert.equal(
        audit['promotion.build_url'],
        'https://dev.azure.com/contoso/Churn/_build/results?buildId=812',
      );
      assert.equal(audit['promotion.approved_by'], 'Dana Requester');
      assert.equal(audit['promotion.approval_source'], 'run requester');
      assert.ok(!Number.isNaN(Date.parse(audit['promotion.promoted_at'] ?? '')));
      assert.ok(
        result.warnings.some((w) =>
          /recorded the requester of the run \(Dana Requester\)/.test(w.message),
        ),
        'the run says the approver could not be read',
      );
      const summary = result.summaries.join('\n');
      assert.match(summary, /\| acc \| 0\.9 \(run [0-9a-f]+\) \| \(no champion\) \|.*\| pass \|/);
      assert.match(summary, /\| triton\.validation \| passed \| passed \| pass \|/);
    });

    const gateKinds: {
      kind: string;
      gate: string;
      champion: Record<string, number>;
      better: Record<string, number>;
      worse: Record<string, number>;
      failure: RegExp;
    }[] = [
      {
        kind: 'threshold',
        gate: 'acc higher threshold=0.85',
        champion: { acc: 0.8 },
        better: { acc: 0.86 },
        worse: { acc: 0.84 },
        failure: /metric "acc" \(metricGates line 1\): 0\.84 is not >= the threshold 0\.85/,
      },
      {
        kind: 'minimum absolute change',
        gate: 'acc higher minAbsoluteChange=0.05',
        champion: { acc: 0.8 },
        better: { acc: 0.86 },
        worse: { acc: 0.83 },
        failure:
          /0\.83 vs champion 0\.8: 0\.03 better, less than the minimum absolute change 0\.05/,
      },
      {
        kind: 'minimum relative change (lower is better)',
        gate: 'loss lower minRelativeChange=0.1',
        champion: { loss: 0.5 },
        better: { loss: 0.4 },
        worse: { loss: 0.48 },
        failure: /0\.48 vs champion 0\.5: relative change 0\.04.*less than the minimum relative/,
      },
    ];

    for (const gateKind of gateKinds) {
      it(`promotes a better challenger under a ${gateKind.kind} gate`, async () => {
        await championAndChallenger({ metrics: gateKind.champion }, { metrics: gateKind.better });

        const result = await run({ metricGates: gateKind.gate });

        assert.equal(result.result, 'Succeeded', result.resultMessage);
        assert.deepEqual(outputs(result), {
          promoted: 'true',
          championVersion: '2',
          previousChampionVersion: '1',
        });
        assert.deepEqual(aliases(server, MODEL), {
          champion: '2',
          challenger: '2',
          'previous-champion': '1',
        });
        assert.equal(auditTagsOf(server, MODEL, '2')['promotion.replaced_version'], '1');
        const demoted = auditTagsOf(server, MODEL, '1');
        assert.equal(demoted['promotion.replaced_by'], '2');
        assert.equal(demoted['promotion.demoted_by_build'], 'release 20261203.4 (build 812)');
        const metric = Object.keys(gateKind.better)[0] ?? '';
        const row = result.summaries
          .join('\n')
          .split('\n')
          .find((l) => l.startsWith(`| ${metric} |`));
        assert.ok(row, 'the summary has a row for the gated metric');
        assert.match(
          row,
          new RegExp(
            `${gateKind.better[metric]} \\(run .*` +
              `${gateKind.champion[metric]} \\(run .*\\| pass \\|`,
          ),
        );
      });

      it(`refuses a worse challenger under a ${gateKind.kind} gate, changing nothing`, async () => {
        await championAndChallenger({ metrics: gateKind.champion }, { metrics: gateKind.worse });
        const before = registrySnapshot(server, MODEL);

        const result = await run({ metricGates: gateKind.gate });

        assert.equal(result.result, 'Failed');
        assert.match(result.resultMessage, /Version 2 was not promoted: 1 gate\(s\) failed/);
        assert.match(result.resultMessage, gateKind.failure);
        assert.equal(registrySnapshot(server, MODEL), before);
        assert.deepEqual(outputs(result), {
          promoted: 'false',
          championVersion: '1',
          previousChampionVersion: '',
        });
        assert.match(result.summaries.join('\n'), /\| FAIL: /);
      });
    }

    it('reports a missing metric and a missing tag together, and changes nothing', async () => {
      await championAndChallenger({ metrics: { acc: 0.8, f1: 0.7 } }, { metrics: { f1: 0.9 } });
      const before = registrySnapshot(server, MODEL);

      const result = await run({
        metricGates: 'acc higher threshold=0.5\nf1 higher minAbsoluteChange=0.1',
        requiredTags: 'triton.validation=passed',
      });

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /2 gate\(s\) failed/);
      assert.match(
        result.resultMessage,
        /requiredTags line 1\): the challenger has no tag triton\.validation/,
      );
      assert.match(
        result.resultMessage,
        /metric "acc" \(metricGates line 1\): the challenger has no metric "acc"/,
      );
      assert.equal(registrySnapshot(server, MODEL), before);
      const summary = result.summaries.join('\n');
      assert.match(summary, /\| acc \| \(missing\) \| 0\.8 \(run .*FAIL/);
      assert.match(summary, /\| f1 \| 0\.9 \(run .*0\.7 \(run .*\| pass \|/);
    });

    it('fails the comparison when the champion lacks the metric', async () => {
      await championAndChallenger({ metrics: { loss: 0.3 } }, { metrics: { acc: 0.9 } });

      const result = await run({ metricGates: 'acc higher minRelativeChange=0.01' });

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /the champion has no metric "acc"/);
      assert.equal(aliases(server, MODEL).champion, '1');
    });

    it('with failOnGate false, succeeds with issues and promoted=false', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.7 } });
      const before = registrySnapshot(server, MODEL);

      const result = await run({ metricGates: 'acc higher threshold=0.75', failOnGate: 'false' });

      assert.equal(result.result, 'SucceededWithIssues');
      assert.match(result.resultMessage, /0\.7 is not >= the threshold 0\.75/);
      assert.equal(output(result, 'promoted'), 'false');
      assert.equal(output(result, 'championVersion'), '1');
      assert.equal(registrySnapshot(server, MODEL), before);
    });

    it('dry run: evaluates and reports, and sends no write to MLflow', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      const before = registrySnapshot(server, MODEL);
      const seeded = server.requests.length;

      const result = await run({
        mode: 'dryRun',
        metricGates: 'acc higher minAbsoluteChange=0.05',
      });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(
        result.resultMessage,
        /Dry run: every gate passed; version 2 would replace version 1/,
      );
      assert.deepEqual(outputs(result), {
        promoted: 'false',
        championVersion: '1',
        previousChampionVersion: '',
      });
      assert.equal(registrySnapshot(server, MODEL), before);
      const writes = server.requests.slice(seeded).filter((r) => r.method !== 'GET');
      assert.deepEqual(writes, [], 'a dry run sends no write');
      assert.match(
        result.summaries.join('\n'),
        /Dry run of churn-model: Dry run: every gate passed/,
      );
    });

    it('does nothing, successfully, when the challenger already is the champion', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      await pointAlias(server, MODEL, 'champion', '2');
      const before = registrySnapshot(server, MODEL);
      const seeded = server.requests.length;

      const result = await run({ metricGates: 'acc higher minAbsoluteChange=0.05' });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /Version 2 of "churn-model" is already the champion/);
      assert.equal(output(result, 'promoted'), 'false');
      assert.equal(output(result, 'championVersion'), '2');
      assert.equal(registrySnapshot(server, MODEL), before);
      assert.ok(server.requests.slice(seeded).every((r) => r.method === 'GET'));
    });

    it('takes the challenger by version number and links it in the summary', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      await seedVersion(server, MODEL, { metrics: { acc: 0.99 } });

      const result = await run({ challenger: '3', metricGates: 'acc higher threshold=0.95' });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(aliases(server, MODEL).champion, '3');
      const link = `[version 3](${server.url}/#/models/churn-model/versions/3)`;
      assert.ok(
        result.summaries.join('\n').includes(`| Candidate (version 3) | ${link} |`),
        'the summary links the candidate in the MLflow UI',
      );
    });

    it('rolls back: champion to the rollback version, which gets the old champion', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      await pointAlias(server, MODEL, 'champion', '2');
      await pointAlias(server, MODEL, 'previous-champion', '1');

      const result = await run({ mode: 'rollback' });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /Rolled back "champion" of "churn-model" to version 1/);
      assert.deepEqual(outputs(result), {
        promoted: 'true',
        championVersion: '1',
        previousChampionVersion: '2',
      });
      assert.deepEqual(aliases(server, MODEL), {
        champion: '1',
        challenger: '2',
        'previous-champion': '2',
      });
      const restored = auditTagsOf(server, MODEL, '1');
      assert.equal(restored['promotion.kind'], 'rollback');
      assert.equal(restored['promotion.replaced_version'], '2');
      assert.equal(auditTagsOf(server, MODEL, '2')['promotion.replaced_by'], '1');
    });

    it('refuses a rollback when there is nothing to roll back to', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      const before = registrySnapshot(server, MODEL);

      const result = await run({ mode: 'rollback' });

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Nothing to roll back to: alias "previous-champion"/);
      assert.equal(registrySnapshot(server, MODEL), before);
      assert.equal(output(result, 'promoted'), 'false');
    });

    it('refuses to roll back to a version that is not READY, changing nothing', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      await pointAlias(server, MODEL, 'champion', '2');
      await pointAlias(server, MODEL, 'previous-champion', '1');
      server.store.modelVersion(MODEL, '1').status = 'FAILED_REGISTRATION';
      const before = registrySnapshot(server, MODEL);

      const result = await run({ mode: 'rollback' });

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /version 1, which is FAILED_REGISTRATION, not READY/);
      assert.equal(registrySnapshot(server, MODEL), before);
    });

    it('stops without change when someone moves the champion mid-run', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      await seedVersion(server, MODEL, { metrics: { acc: 0.85 } });
      // Hold the first metric read, and move the champion while the task waits for it.
      server.faults.add({
        method: 'GET',
        path: '/api/2.0/mlflow/runs/get',
        delayMs: 1500,
        times: 1,
      });
      const pending = run({ metricGates: 'acc higher minAbsoluteChange=0.05' });
      while (!server.requests.some((r) => r.path === '/api/2.0/mlflow/runs/get')) await sleep(20);
      await pointAlias(server, MODEL, 'champion', '3');
      const before = registrySnapshot(server, MODEL);

      const result = await pending;

      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        new RegExp(
          /The champion moved while this run was deciding: "champion" of "churn-model"/.source +
            / is now version 3, not version 1.*Nothing was changed/.source,
        ),
      );
      assert.equal(registrySnapshot(server, MODEL), before);
      assert.deepEqual(auditTagsOf(server, MODEL, '2'), {});
      assert.equal(output(result, 'promoted'), 'false');
      assert.equal(output(result, 'championVersion'), '3');
    });

    it('restores the rollback alias when the champion write fails', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.85 } });
      await seedVersion(server, MODEL, { metrics: { acc: 0.9 } });
      await pointAlias(server, MODEL, 'champion', '2');
      await pointAlias(server, MODEL, 'previous-champion', '1');
      await pointAlias(server, MODEL, 'challenger', '3');
      const seeded = server.requests.length;
      // The first alias write (the rollback alias) goes through; the second (champion) fails.
      server.faults.add({ method: 'POST', path: ALIAS_PATH, delayMs: 1, times: 1 });
      server.faults.add({
        method: 'POST',
        path: ALIAS_PATH,
        status: 500,
        body: '{"error_code":"INTERNAL_ERROR","message":"database is locked"}',
        times: 1,
      });

      const result = await run({ metricGates: 'acc higher threshold=0.5' });

      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        new RegExp(
          /the promotion was undone: "champion" is still version 2/.source +
            / and "previous-champion" is back on version 1.*database is locked/.source,
        ),
      );
      assert.deepEqual(aliases(server, MODEL), {
        champion: '2',
        'previous-champion': '1',
        challenger: '3',
      });
      assert.deepEqual(auditTagsOf(server, MODEL, '3'), {});
      assert.deepEqual(auditTagsOf(server, MODEL, '2'), {});
      const aliasWrites = server.requests
        .slice(seeded)
        .filter((r) => r.path === ALIAS_PATH && r.method === 'POST');
      assert.deepEqual(
        aliasWrites.map((r) => r.body as { alias: string; version: string }),
        [
          { name: MODEL, alias: 'previous-champion', version: '2' },
          { name: MODEL, alias: 'champion', version: '3' },
          { name: MODEL, alias: 'previous-champion', version: '1' },
        ],
      );
      assert.equal(output(result, 'promoted'), 'false');
      assert.equal(output(result, 'championVersion'), '2');
    });

    it('deletes a rollback alias it created when the champion write fails', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      server.faults.add({ method: 'POST', path: ALIAS_PATH, delayMs: 1, times: 1 });
      server.faults.add({ method: 'POST', path: ALIAS_PATH, status: 500, body: '{}', times: 1 });

      const result = await run({ metricGates: 'acc higher threshold=0.5' });

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /"previous-champion" is back on not set/);
      assert.deepEqual(aliases(server, MODEL), { champion: '1', challenger: '2' });
    });

    it('keeps a champion write whose answer was lost but which the server made', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      server.faults.add({ method: 'POST', path: ALIAS_PATH, delayMs: 1, times: 1 });
      server.faults.add({ method: 'POST', path: ALIAS_PATH, afterHandling: true, times: 1 });

      const result = await run({ metricGates: 'acc higher threshold=0.5', maxRetries: '0' });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.deepEqual(aliases(server, MODEL), {
        champion: '2',
        challenger: '2',
        'previous-champion': '1',
      });
      assert.equal(auditTagsOf(server, MODEL, '1')['promotion.replaced_by'], '2');
    });

    it('says the move stands when only the audit tags cannot be written', async () => {
      await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });
      server.faults.add({
        method: 'POST',
        path: '/api/2.0/mlflow/model-versions/set-tag',
        status: 500,
        body: '{"error_code":"INTERNAL_ERROR","message":"disk full"}',
      });

      const result = await run({ metricGates: 'acc higher threshold=0.5' });

      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        new RegExp(
          /Promoted version 2 .* But writing the audit tags \(promotion\.\*\)/.source +
            / failed.*the move itself stands.*disk full/.source,
        ),
      );
      assert.deepEqual(outputs(result), {
        promoted: 'true',
        championVersion: '2',
        previousChampionVersion: '1',
      });
      assert.equal(aliases(server, MODEL).champion, '2');
    });

    it('two promotions started at once end consistent, and both are accounted for', async () => {
      assert.equal(await seedVersion(server, MODEL, { metrics: { acc: 0.8 } }), '1');
      assert.equal(await seedVersion(server, MODEL, { metrics: { acc: 0.9 } }), '2');
      assert.equal(await seedVersion(server, MODEL, { metrics: { acc: 0.95 } }), '3');
      await pointAlias(server, MODEL, 'champion', '1');
      await pointAlias(server, MODEL, 'challenger-a', '2');
      await pointAlias(server, MODEL, 'challenger-b', '3');
      // Slow alias writes make the two runs' moves overlap.
      server.faults.add({ method: 'POST', path: ALIAS_PATH, delayMs: 300 });

      const gate = 'acc higher minAbsoluteChange=0.05';
      const inputs = { metricGates: gate, settleSeconds: '1.5' };
      const [a, b] = await Promise.all([
        run({ ...inputs, challenger: 'challenger-a' }, { variables: { 'Build.BuildId': '901' } }),
        run({ ...inputs, challenger: 'challenger-b' }, { variables: { 'Build.BuildId': '902' } }),
      ]);

      const final = aliases(server, MODEL);
      assert.ok(final.champion === '2' || final.champion === '3', JSON.stringify(final));
      assert.equal(final['previous-champion'], '1', 'the rollback alias holds the prior champion');
      const runs = [
        { result: a, version: '2', build: '901' },
        { result: b, version: '3', build: '902' },
      ];
      const winners = runs.filter((r) => output(r.result, 'promoted') === 'true');
      assert.equal(winners.length, 1, runs.map((r) => r.result.resultMessage).join(' / '));
      const [winner] = winners;
      const loser = runs.find((r) => r !== winner);
      assert.ok(winner && loser);
      assert.equal(winner.version, final.champion);
      assert.equal(output(winner.result, 'championVersion'), final.champion);
      assert.equal(winner.result.result, 'Succeeded');
      const promoted = auditTagsOf(server, MODEL, winner.version);
      assert.match(promoted['promotion.build'] ?? '', new RegExp(`build ${winner.build}`));
      assert.equal(promoted['promotion.replaced_version'], '1');
      assert.equal(auditTagsOf(server, MODEL, '1')['promotion.replaced_by'], final.champion);

      assert.equal(loser.result.result, 'Failed');
      assert.match(loser.result.resultMessage, new RegExp(`version ${final.champion}`));
      assert.equal(output(loser.result, 'championVersion'), final.champion);
      const loserTags = auditTagsOf(server, MODEL, loser.version);
      if (Object.keys(loserTags).length > 0) {
        // It was champion for a moment: its tags say so, and who replaced it.
        assert.equal(loserTags['promotion.replaced_by'], final.champion);
      }
    });

    const tokenSources: { via: string; give: (token: string) => Partial<TaskRunOptions> }[] = [
      {
        via: 'System.AccessToken mapped into the step',
        give: (token) => ({ env: { SYSTEM_ACCESSTOKEN: token } }),
      },
      {
        via: "the agent's SystemVssConnection",
        give: (token) => ({
          endpoints: {
            SystemVssConnection: {
              url: 'https://dev.azure.com/contoso/',
              scheme: 'Token',
              parameters: { AccessToken: token },
            },
          },
        }),
      },
    ];
    for (const source of tokenSources) {
      it(`records the environment approver, with the token from ${source.via}`, async () => {
        const token = 'job-access-token-5551';
        const fake = await startAzureDevOpsFake({
          organization: 'contoso',
          project: 'Churn',
          buildId: '812',
          token,
          approvals: [
            {
              id: 'approval-1',
              stage: 'Production',
              status: 'approved',
              approvers: [{ displayName: 'Jane Approver', uniqueName: 'jane@contoso.com' }],
            },
          ],
        });
        try {
          await championAndChallenger({ metrics: { acc: 0.8 } }, { metrics: { acc: 0.9 } });

          const result = await run(
            { metricGates: 'acc higher threshold=0.5' },
            { variables: { 'System.CollectionUri': fake.collectionUri }, ...source.give(token) },
          );

          assert.equal(result.result, 'Succeeded', result.resultMessage);
          const audit = auditTagsOf(server, MODEL, '2');
          assert.equal(audit['promotion.approved_by'], 'Jane Approver <jane@contoso.com>');
          assert.equal(audit['promotion.approval_source'], 'environment approval');
          assert.match(result.resultMessage, /Approved by Jane Approver/);
          assert.deepEqual(result.warnings, []);
          assert.ok(fake.requests.length >= 2 && fake.requests.every((r) => r.authorized));
          const leaks = result.visibleOutput.split('\n').filter((line) => line.includes(token));
          assert.deepEqual(leaks, [], 'the token stays off the log');
          assert.ok(result.secrets.includes(token), 'the token is registered as a secret');
        } finally {
          await fake.close();
        }
      });
    }

    if (mode === 3) {
      it("judges a 3.x version by its logged model's metrics when it has them", async () => {
        await championAndChallenger(
          { metrics: { acc: 0.8 } },
          { metrics: { acc: 0.5 }, loggedModelMetrics: { acc: 0.9 } },
        );

        const result = await run({ metricGates: 'acc higher minAbsoluteChange=0.05' });

        assert.equal(result.result, 'Succeeded', result.resultMessage);
        assert.equal(aliases(server, MODEL).champion, '2');
        assert.match(
          result.summaries.join('\n'),
          /\| acc \| 0\.9 \(logged model m-[0-9a-f]+\) \| 0\.8 \(run [0-9a-f]+\) \|/,
        );
      });
    }
  });
}
