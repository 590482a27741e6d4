import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/task-runner';

interface TaskInput {
  name: string;
  type: string;
  label?: string;
  helpMarkDown?: string;
  groupName?: string;
  required?: boolean;
  options?: Record<string, string>;
  defaultValue?: string;
}
interface TaskManifest {
  id: string;
  name: string;
  friendlyName: string;
  description: string;
  version: { Major: number; Minor: number; Patch: number };
  minimumAgentVersion: string;
  instanceNameFormat: string;
  groups?: { name: string }[];
  inputs: TaskInput[];
  outputVariables?: { name: string; description: string }[];
  execution: Record<string, { target: string }>;
  restrictions?: { commands?: { mode: string }; settableVariables?: { allowed: string[] } };
}

const REQUIRED_TASKS = [
  'MLflowLogRun',
  'RegisterModel',
  'SetAlias',
  'ValidateTritonModel',
  'PromoteToChampion',
];
const tasksDir = path.join(REPO_ROOT, 'tasks');
const taskNames = fs
  .readdirSync(tasksDir)
  .filter((name) => fs.existsSync(path.join(tasksDir, name, 'task.json')));
const manifests = taskNames.map(
  (name) =>
    [name, JSON.parse(fs.readFileSync(path.join(tasksDir, name, 'task.json'), 'utf8'))] as [
      string,
      TaskManifest,
    ],
);

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

describe('task.json conformance', () => {
  it('has every task the extension promises, each with a unique GUID', () => {
    for (const name of REQUIRED_TASKS) assert.ok(taskNames.includes(name), `missing ${name}`);
    const ids = manifests.map(([, manifest]) => manifest.id);
    assert.equal(new Set(ids).size, ids.length, 'GUIDs are unique');
  });

  for (const [folder, manifest] of manifests) {
    describe(folder, () => {
      it('names, GUID and version follow the schema', () => {
        assert.equal(manifest.name, folder);
        assert.match(manifest.name, /^[A-Za-z0-9-]+$/);
        assert.match(
          manifest.id,
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        assert.equal(manifest.version.Major, 1);
        assert.ok(manifest.friendlyName && manifest.description && manifest.instanceNameFormat);
      });

      it('runs on Node20_1 and Node24 with a matching minimum agent version', () => {
        assert.deepEqual(Object.keys(manifest.execution).sort(), ['Node20_1', 'Node24']);
        for (const handler of Object.values(manifest.execution)) {
          assert.equal(handler.target, 'index.js');
        }
        assert.ok(versionAtLeast(manifest.minimumAgentVersion, '3.232.1'));
        assert.ok(fs.existsSync(path.join(tasksDir, folder, 'index.ts')), 'entry exists');
      });

      it('documents every input and puts it in a declared group', () => {
        const groups = new Set((manifest.groups ?? []).map((group) => group.name));
        const names = new Set<string>();
        for (const input of manifest.inputs) {
          assert.match(input.name, /^[A-Za-z][A-Za-z0-9_]*$/, `input name ${input.name}`);
          assert.ok(!names.has(input.name), `duplicate input ${input.name}`);
          names.add(input.name);
          assert.ok(input.label, `${input.name} has a label`);
          assert.ok(input.helpMarkDown, `${input.name} has helpMarkDown`);
          if (input.groupName) assert.ok(groups.has(input.groupName), `group ${input.groupName}`);
          if (input.type === 'pickList') {
            assert.ok(
              input.options && input.defaultValue! in input.options,
              `${input.name} default`,
            );
          }
        }
        assert.ok(groups.has('advanced'), 'advanced inputs are grouped');
      });

      it('declares its outputs and restricts what it may set', () => {
        const outputs = (manifest.outputVariables ?? []).map((output) => output.name);
        assert.ok(outputs.length > 0, 'declares output variables');
        for (const output of manifest.outputVariables ?? []) {
          assert.match(output.name, /^[A-Za-z][A-Za-z0-9_]*$/);
          assert.ok(output.description, `${output.name} is described`);
        }
        const allowed = manifest.restrictions?.settableVariables?.allowed ?? [];
        for (const output of outputs) assert.ok(allowed.includes(output), `${output} settable`);
      });

      it('uses restricted command mode exactly when every command it uses is allowed there', () => {
        // uploadsummary and addattachment are refused in restricted mode; tasks that write a
        // build summary must declare mode "any".
        const source = fs
          .readdirSync(path.join(tasksDir, folder))
          .filter((file) => file.endsWith('.ts'))
          .map((file) => fs.readFileSync(path.join(tasksDir, folder, file), 'utf8'))
          .join('\n');
        const usesSummary = /uploadBuildSummary|uploadSummary|addAttachment/.test(source);
        const mode = manifest.restrictions?.commands?.mode;
        assert.equal(mode, usesSummary ? 'any' : 'restricted');
      });
    });
  }
});

describe('vss-extension.json', () => {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'vss-extension.json'), 'utf8'),
  ) as {
    files: { path: string }[];
    contributions: { id: string; type: string; properties: Record<string, unknown> }[];
  };

  it('contributes and ships every task folder', () => {
    for (const name of taskNames) {
      assert.ok(
        manifest.files.some((file) => file.path === `tasks/${name}`),
        `ships ${name}`,
      );
      assert.ok(
        manifest.contributions.some(
          (c) => c.type === 'ms.vss-distributed-task.task' && c.properties.name === `tasks/${name}`,
        ),
        `contributes ${name}`,
      );
    }
  });

  it('defines the mlflow service connection with none, basic and token schemes', () => {
    const endpoint = manifest.contributions.find(
      (c) => c.type === 'ms.vss-endpoint.service-endpoint-type',
    );
    assert.ok(endpoint);
    assert.equal(endpoint.properties.name, 'mlflow');
    const schemes = (endpoint.properties.authenticationSchemes as { type: string }[]).map(
      (scheme) => scheme.type,
    );
    assert.deepEqual(schemes, [
      'ms.vss-endpoint.endpoint-auth-scheme-none',
      'ms.vss-endpoint.endpoint-auth-scheme-basic',
      'ms.vss-endpoint.endpoint-auth-scheme-token',
    ]);
    const inputs = endpoint.properties.inputDescriptors as {
      id: string;
      isConfidential: boolean;
    }[];
    assert.ok(inputs.some((input) => input.id === 'caCertificate'));
    assert.ok(inputs.some((input) => input.id === 'acceptUntrustedCerts'));
    assert.equal(inputs.find((input) => input.id === 's3SecretAccessKey')?.isConfidential, true);
  });
});
