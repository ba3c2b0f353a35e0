import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  EventField,
  K8sOperation,
  PipelineSensor,
  RunStatusFilter,
  SensorTrigger,
  sensorPaths,
  type PipelineSensorProps,
} from 'kfp-events';
import {
  ARGO_SCHEMA_AVAILABLE,
  ARGO_SCHEMA_SKIP_MESSAGE,
  argoSchemaProblems,
} from '../support/argo-schema.js';
import {
  EXPECTED_CONTAINER_SECURITY_CONTEXT,
  EXPECTED_POD_SECURITY_CONTEXT,
} from '../support/restricted-contexts.js';
import { all, at, only, synth } from '../support/synth.js';

const eventSource = { eventSourceName: 'run-completion', eventName: 'run-completion' };

function sensorChart(props: Partial<PipelineSensorProps> = {}): { chart: Chart; sensor: PipelineSensor } {
  const chart = new Chart(Testing.app(), 'team', { namespace: 'penguin-team' });
  const sensor = new PipelineSensor(chart, 'Sensor', {
    eventSource,
    pipelineName: 'penguin-pipeline',
    triggers: [SensorTrigger.log()],
    ...props,
  });
  return { chart, sensor };
}

function dataFilters(chart: Chart): unknown {
  return at(only(synth(chart), 'Sensor'), 'spec.dependencies.0.filters.data');
}

describe('PipelineSensor', () => {
  it('filters succeeded runs of exactly the pipeline by default, on the structured paths', () => {
    const { chart, sensor } = sensorChart();

    const manifest = only(synth(chart), 'Sensor');
    expect(manifest.metadata).toEqual({ name: 'penguin-pipeline', namespace: 'penguin-team' });
    expect(at(manifest, 'spec.eventBusName')).toBe('default');
    expect(at(manifest, 'spec.dependencies')).toEqual([
      {
        name: 'run-completion',
        eventSourceName: 'run-completion',
        eventName: 'run-completion',
        filters: {
          data: [
            { path: 'body.data.status', type: 'string', value: ['^succeeded$'] },
            { path: 'body.data.pipelineName', type: 'string', value: ['^penguin-pipeline$'] },
          ],
        },
      },
    ]);
    expect(at(manifest, 'spec.triggers')).toEqual([{ template: { name: 'log', log: {} } }]);
    expect(at(manifest, 'spec.template')).toEqual({
      securityContext: EXPECTED_POD_SECURITY_CONTEXT,
      container: { securityContext: EXPECTED_CONTAINER_SECURITY_CONTEXT },
    });
    expect(sensor.sensorServiceAccountName).toBeUndefined();
    expect(synth(chart)).toMatchSnapshot();
  });

  it('anchors the pipeline name and escapes its regular-expression metacharacters', () => {
    const { chart } = sensorChart({ pipelineName: 'team/penguin.v2(beta)+', name: 'penguin' });

    expect(dataFilters(chart)).toContainEqual({
      path: 'body.data.pipelineName',
      type: 'string',
      value: ['^team/penguin\\.v2\\(beta\\)\\+$'],
    });
  });

  it('matches failed runs only with status FAILED', () => {
    const { chart } = sensorChart({ status: RunStatusFilter.FAILED });

    expect(dataFilters(chart)).toContainEqual({
      path: 'body.data.status',
      type: 'string',
      value: ['^failed$'],
    });
  });

  it('matches both outcomes with status ANY through one anchored alternation, never a != comparator', () => {
    const { chart } = sensorChart({ status: RunStatusFilter.ANY });

    const filters = dataFilters(chart) as { comparator?: string; value: string[] }[];
    expect(filters[0]).toEqual({ path: 'body.data.status', type: 'string', value: ['^(succeeded|failed)$'] });
    expect(filters.some((f) => f.comparator !== undefined)).toBe(false);
  });

  it('filters on the pipeline namespace at the contract path when one is given', () => {
    const { chart } = sensorChart({ pipelineNamespace: 'kubeflow' });

    expect(dataFilters(chart)).toContainEqual({
      path: sensorPaths('structured').namespace,
      type: 'string',
      value: ['^kubeflow$'],
    });
  });

  it('uses the binary encoding paths for filters and parameters', () => {
    const { chart } = sensorChart({
      encoding: 'binary',
      pipelineNamespace: 'kubeflow',
      triggers: [
        SensorTrigger.k8s({
          operation: K8sOperation.PATCH,
          target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'serving' },
          parameters: [{ src: EventField.servingModelLocation(0), dest: 'data.modelLocation' }],
        }),
      ],
    });

    const manifest = only(synth(chart), 'Sensor');
    expect(at(manifest, 'spec.dependencies.0.filters.data')).toEqual([
      { path: 'body.status', type: 'string', value: ['^succeeded$'] },
      { path: 'body.pipelineName', type: 'string', value: ['^penguin-pipeline$'] },
      { path: 'body.namespace', type: 'string', value: ['^kubeflow$'] },
    ]);
    expect(at(manifest, 'spec.triggers.0.template.k8s.parameters.0.src.dataKey')).toBe(
      'body.servingModelArtifacts.0.location',
    );
  });

  it('gives a cluster-acting Sensor its own ServiceAccount, Role and RoleBinding', () => {
    const { chart, sensor } = sensorChart({
      name: 'penguin-serving',
      triggers: [
        SensorTrigger.log(),
        SensorTrigger.k8s({
          operation: K8sOperation.PATCH,
          target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'serving' },
          parameters: [{ src: EventField.servingModelLocation(0), dest: 'data.modelLocation' }],
        }),
      ],
    });

    const manifests = synth(chart);
    expect(at(only(manifests, 'Sensor'), 'spec.template')).toEqual({
      serviceAccountName: 'penguin-serving-sensor',
      securityContext: EXPECTED_POD_SECURITY_CONTEXT,
      container: { securityContext: EXPECTED_CONTAINER_SECURITY_CONTEXT },
    });
    expect(sensor.sensorServiceAccountName).toBe('penguin-serving-sensor');
    expect(only(manifests, 'ServiceAccount').metadata).toEqual({
      name: 'penguin-serving-sensor',
      namespace: 'penguin-team',
    });
    expect(at(only(manifests, 'Role'), 'rules')).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['serving'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
    ]);
    expect(only(manifests, 'RoleBinding')).toMatchObject({
      metadata: { name: 'penguin-serving-sensor', namespace: 'penguin-team' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'penguin-serving-sensor' },
      subjects: [{ kind: 'ServiceAccount', name: 'penguin-serving-sensor', namespace: 'penguin-team' }],
    });
    expect(manifests).toMatchSnapshot();
  });

  it('creates one Role per namespace acted on and does not repeat a rule', () => {
    const target = { apiVersion: 'v1', kind: 'ConfigMap', name: 'serving', namespace: 'serving-ns' };
    const { chart } = sensorChart({
      triggers: [
        SensorTrigger.k8s({ operation: K8sOperation.UPDATE, target }),
        SensorTrigger.k8s({ operation: K8sOperation.UPDATE, target }),
        SensorTrigger.argoWorkflow({
          workflow: {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            metadata: { generateName: 'next-' },
          },
        }),
      ],
    });

    const roles = all(synth(chart), 'Role');
    expect(roles.map((r) => [r.metadata, r.rules])).toEqual([
      [
        { name: 'penguin-pipeline-sensor', namespace: 'serving-ns' },
        [
          {
            apiGroups: [''],
            resources: ['configmaps'],
            resourceNames: ['serving'],
            verbs: ['get', 'update'],
          },
          { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
        ],
      ],
      [
        { name: 'penguin-pipeline-sensor', namespace: 'penguin-team' },
        [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'list'] }],
      ],
    ]);
    expect(all(synth(chart), 'RoleBinding').map((b) => at(b, 'subjects'))).toEqual([
      [{ kind: 'ServiceAccount', name: 'penguin-pipeline-sensor', namespace: 'penguin-team' }],
      [{ kind: 'ServiceAccount', name: 'penguin-pipeline-sensor', namespace: 'penguin-team' }],
    ]);
  });

  it('names triggers by kind, numbering repeats, and adds triggers with addTrigger()', () => {
    const { chart, sensor } = sensorChart();
    sensor.addTrigger(SensorTrigger.log()).addTrigger(SensorTrigger.log({ name: 'audit' }));

    const triggers = at(only(synth(chart), 'Sensor'), 'spec.triggers') as { template: { name: string } }[];
    expect(triggers.map((t) => t.template.name)).toEqual(['log', 'log-2', 'audit']);
  });

  it('throws when two triggers share a name', () => {
    const { sensor } = sensorChart();

    expect(() => sensor.addTrigger(SensorTrigger.log({ name: 'log' }))).toThrow(ConstructPropsError);
    expect(() => sensor.addTrigger(SensorTrigger.log({ name: 'log' }))).toThrow(
      'team/Sensor: triggers[1].name: "log" is already used by another trigger of this Sensor',
    );
  });

  it('reports a trigger that cannot be bound with its index', () => {
    const { sensor } = sensorChart();
    const broken = SensorTrigger.k8s({
      operation: K8sOperation.PATCH,
      target: { apiVersion: 'v1', kind: 'ConfigMap' },
    });

    expect(() => sensor.addTrigger(broken)).toThrow(
      'team/Sensor: triggers[1]: target.name is not set: give target.name, metadata.name in target.manifest, or a parameter with dest "metadata.name"',
    );
  });

  it('fails app synthesis when the Sensor has no trigger', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'team', { namespace: 'penguin-team' });
    new PipelineSensor(chart, 'Sensor', { eventSource, pipelineName: 'penguin-pipeline' });

    expect(() => app.synth()).toThrow('a Sensor needs at least one trigger: use addTrigger()');
  });

  it('throws naming the default when the pipeline name is not a valid Sensor name', () => {
    expect(() => sensorChart({ pipelineName: 'Penguin Pipeline' })).toThrow(
      'team/Sensor: name (defaulted from pipelineName): "Penguin Pipeline" is not a DNS-1123 label',
    );
  });

  it('gathers every problem of its props into one message', () => {
    const build = () =>
      sensorChart({
        pipelineName: '',
        name: 'x'.repeat(57),
        pipelineNamespace: 'Kubeflow',
        eventBusName: 'Bus',
      });

    expect(build).toThrow(
      [
        'team/Sensor: 4 problems:',
        '  - pipelineName: is empty: give the pipeline name',
        `  - name: "${'x'.repeat(57)}" is 57 characters long: must be at most 56`,
        '  - pipelineNamespace: "Kubeflow" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
        '  - eventBusName: "Bus" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
      ].join('\n'),
    );
  });
});

describe.skipIf(!ARGO_SCHEMA_AVAILABLE)('PipelineSensor against the Argo Events schema', () => {
  it('synthesizes Sensors the schema accepts, with every kind of trigger', () => {
    const { chart } = sensorChart({
      status: RunStatusFilter.ANY,
      pipelineNamespace: 'kubeflow',
      triggers: [
        SensorTrigger.log(),
        SensorTrigger.http({
          url: 'https://hooks.example.com/runs',
          payload: { status: EventField.status(), model: EventField.servingModelLocation(0) },
          headers: { 'X-Team': 'penguin' },
          secureHeaders: { Authorization: { name: 'hook-token', key: 'header' } },
        }),
        SensorTrigger.k8s({
          operation: K8sOperation.CREATE,
          target: { apiVersion: 'v1', kind: 'ConfigMap', manifest: { metadata: { generateName: 'run-' } } },
          parameters: [{ src: EventField.field('runId'), dest: 'metadata.name' }],
        }),
        SensorTrigger.argoWorkflow({
          workflow: {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            metadata: { generateName: 'next-' },
          },
          parameters: [
            { src: EventField.pipelineName(), dest: 'spec.arguments.parameters.0.value', default: 'x' },
          ],
        }),
      ],
    });

    expect(argoSchemaProblems(only(synth(chart), 'Sensor'))).toEqual([]);
  });
});
if (!ARGO_SCHEMA_AVAILABLE) console.log(`pipeline-sensor.test.ts: ${ARGO_SCHEMA_SKIP_MESSAGE}`);
