import { describe, expect, it } from 'vitest';
import {
  RUN_COMPLETION_DATA_SCHEMA,
  sensorPaths,
  validateRunCompletionData,
} from '../../src/contract/index.js';
import { anchor, check, formatCheckSummary, formatCheckProblem, isAnchored } from '../../src/tools/check.js';
import { ManifestError } from '../../src/tools/manifests.js';
import { sampleRunCompletionEvent } from '../../src/tools/sample-event.js';
import { editObject, loadFixture } from './helpers.js';

const FILE = 'penguin-team.yaml';
const SENSOR = 'Sensor penguin-team/penguin-pipeline-model-update';

describe('check', () => {
  it('passes the valid fixture with a one-line summary', async () => {
    const result = check(await loadFixture('valid'));

    expect(result.problems).toEqual([]);
    expect(formatCheckSummary(result)).toBe(
      'check passed: 2 Sensors, 1 EventSource, 7 filter paths and parameter keys (encoding structured)',
    );
  });

  it('reports every problem of the broken fixture with file, object, field path and fix', async () => {
    const lines = check(await loadFixture('broken')).problems.map(formatCheckProblem);

    expect(lines).toEqual([
      `${FILE}: EventSource penguin-team/run-completion: spec.nats.run-completion.jsonBody: is not set, so the body is base64 and no body.… path exists; fix: set jsonBody: true`,
      `${FILE}: ${SENSOR}: spec.dependencies[0].filters.data[0].path: "body.status" does not exist in a run-completion event (encoding structured); fix: use "body.data.status" (sensorPaths('structured'))`,
      `${FILE}: ${SENSOR}: spec.dependencies[0].filters.data[1].type: is "number" but body.data.pipelineName is a string; fix: use type: string`,
      `${FILE}: ${SENSOR}: spec.dependencies[0].filters.data[2].value[0]: "penguin-pipeline" is an unanchored regular expression, so it also matches values that merely contain it; fix: use "^penguin-pipeline$"`,
      `${FILE}: ${SENSOR}: spec.template.serviceAccountName: names ServiceAccount penguin-team/penguin-pipeline-model-update, which is not in the manifests; fix: add ServiceAccount penguin-pipeline-model-update in namespace penguin-team with its Role and RoleBinding`,
      `${FILE}: ${SENSOR}: spec.triggers[0].template.k8s.parameters[0].src.dataKey: "body.data.servingModelArtifacts.0.uri" does not exist in a run-completion event (encoding structured); fix: body.data.servingModelArtifacts.0 has name, location; use one of them (sensorPaths('structured'))`,
      `${FILE}: ${SENSOR}: spec.triggers[0].template.k8s: trigger "update-serving" needs get, patch, create on configmaps (name serving), but Role/penguin-pipeline-model-update bound to ServiceAccount penguin-team/penguin-pipeline-model-update lacks create; fix: grant create on configmaps (name serving) in a Role bound to ServiceAccount penguin-pipeline-model-update (create in a rule without resourceNames: Kubernetes cannot restrict create by name)`,
      `${FILE}: Sensor penguin-team/next-pipeline: spec.template.serviceAccountName: is not set, but trigger "submit-next" (argoWorkflow) needs create, list on workflows.argoproj.io; fix: set template.serviceAccountName to a ServiceAccount bound to a Role granting create, list on workflows.argoproj.io`,
    ]);
  });

  it('checks paths against the encoding the publisher Deployment sets', async () => {
    const binary = editObject(await loadFixture('valid'), 'Deployment', 'kfp-events-publisher', {
      'spec.template.spec.containers.0.env.2.value': 'binary',
    });

    const result = check(binary);
    expect(result.encoding).toBe('binary');
    expect(result.problems[0]).toEqual({
      file: FILE,
      object: SENSOR,
      path: 'spec.dependencies[0].filters.data[0].path',
      message: '"body.data.status" does not exist in a run-completion event (encoding binary)',
      fix: `use "${sensorPaths('binary').status}" (sensorPaths('binary'))`,
    });
  });

  it('reports a Role bound to another ServiceAccount as no Role at all', async () => {
    const manifests = editObject(await loadFixture('valid'), 'RoleBinding', 'penguin-pipeline-model-update', {
      'subjects.0.name': 'someone-else',
    });

    expect(check(manifests).problems.map((p) => p.message)).toEqual([
      'trigger "update-serving" needs get, patch, create on configmaps (name serving), but no Role in the manifests is bound to ServiceAccount penguin-team/penguin-pipeline-model-update',
    ]);
  });

  it("looks for the Role in the target object's namespace when it names another one", async () => {
    const manifests = editObject(await loadFixture('valid'), 'Sensor', 'penguin-pipeline-model-update', {
      'spec.triggers.1.template.k8s.source.resource.metadata.namespace': 'serving',
    });

    expect(check(manifests).problems.map((p) => [p.path, p.message, p.fix])).toEqual([
      [
        'spec.triggers[1].template.k8s',
        'trigger "update-serving" needs get, patch, create on configmaps (name serving) in namespace serving, but no Role in namespace serving in the manifests is bound to ServiceAccount penguin-team/penguin-pipeline-model-update',
        'grant get, patch, create on configmaps (name serving) in a Role in namespace serving bound to ServiceAccount penguin-pipeline-model-update (create in a rule without resourceNames: Kubernetes cannot restrict create by name)',
      ],
    ]);
  });

  it('flags "!=" with several values, which Argo Events passes when the field differs from any one', async () => {
    const manifests = editObject(await loadFixture('valid'), 'Sensor', 'penguin-pipeline-model-update', {
      'spec.dependencies.0.filters.data.0.comparator': '!=',
      'spec.dependencies.0.filters.data.0.value': ['^succeeded$', 'failed'],
    });

    expect(check(manifests).problems.map((p) => [p.path, p.message, p.fix])).toEqual([
      [
        'spec.dependencies[0].filters.data[0].comparator',
        '"!=" with 2 values passes when body.data.status differs from any one of them, which is nearly always; it does not mean "none of these"',
        'use one value, "^(succeeded|failed)$", with "!="',
      ],
      [
        'spec.dependencies[0].filters.data[0].value[1]',
        '"failed" is an unanchored regular expression, so it also matches values that merely contain it',
        'use "^failed$"',
      ],
    ]);
  });

  it('throws a ManifestError naming both Deployments when they disagree on the encoding', async () => {
    const manifests = await loadFixture('valid');
    const second = editObject(manifests, 'Deployment', 'kfp-events-publisher', {
      'metadata.name': 'second',
      'spec.template.spec.containers.0.env.2.value': 'binary',
    }).find((m) => m.object.metadata?.name === 'second');

    expect(() => check([...manifests, second!])).toThrow(ManifestError);
    expect(() => check([...manifests, second!])).toThrow(
      'publisher Deployments disagree on KFP_EVENTS_ENCODING: platform.yaml Deployment kfp-operator/kfp-events-publisher sets "structured"; platform.yaml Deployment kfp-operator/second sets "binary"',
    );
  });

  it('checks against a sample event that satisfies the published data schema and sets every field', () => {
    const data = sampleRunCompletionEvent().data;
    expect(validateRunCompletionData(data)).toEqual([]);
    const properties = Object.keys(RUN_COMPLETION_DATA_SCHEMA.properties as Record<string, unknown>);
    expect(Object.keys(data).sort()).toEqual(properties.sort());
  });
});

describe('isAnchored and anchor', () => {
  it.each([
    ['^penguin$', true],
    ['(?i)^penguin$', true],
    ['\\Apenguin\\z', true],
    ['^penguin', false],
    ['penguin$', false],
    ['^penguin\\$', false],
  ])('%s is anchored: %s', (pattern, anchored) => {
    expect(isAnchored(pattern)).toBe(anchored);
  });

  it('escapes a plain value as a literal, and completes a partly anchored pattern', () => {
    expect(anchor('penguin.pipeline')).toBe('^penguin\\.pipeline$');
    expect(anchor('^penguin-.*')).toBe('^penguin-.*$');
  });
});
