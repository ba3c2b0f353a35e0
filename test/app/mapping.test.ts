import { describe, expect, it } from 'vitest';
import { buildApp, ConfigError, parseConfig, sensorNameOf } from 'kfp-events';
import {
  ARGO_SCHEMA_AVAILABLE,
  ARGO_SCHEMA_SKIP_MESSAGE,
  argoObjects,
  argoSchemaProblems,
} from '../support/argo-schema.js';
import { all, at, envOf, only, type Manifest } from '../support/synth.js';

/** A config that uses every trigger kind, a JetStream bus and the binary encoding. */
const CONFIG = `platform:
  namespace: ml-platform
  bus:
    name: runs
    kind: jetstream
    replicas: 1
    jetstreamVersion: "2.9.16"
    persistence: { storageClassName: fast, size: 5Gi }
  publisher:
    image: registry.example/publisher:1.2.3
    replicas: 1
    encoding: binary
    subject: kfp.runs
    workflowNamespaces: [kubeflow, team-a]
consumers:
  - namespace: serving
    eventBus: { kind: jetstream, replicas: 3 }
    eventSource:
      name: runs
      connectionBackoff: { duration: 1m30s, steps: 10 }
      auth:
        basic:
          username: { name: bus-auth, key: user }
          password: { name: bus-auth, key: password }
      tls: { caCertSecret: { name: bus-ca, key: ca.crt } }
    pipelines:
      - pipeline: Fraud Model
        pipelineNamespace: team-a
        status: any
        triggers:
          - kind: http
            url: https://hooks.example/runs
            payload:
              - { from: status, dest: outcome }
              - { from: runId, dest: run.id }
            secureHeaders:
              - { name: Authorization, secret: { name: hook, key: token } }
            retry: { steps: 5, duration: 2s }
          - kind: argoWorkflow
            atLeastOnce: false
            workflow:
              apiVersion: argoproj.io/v1alpha1
              kind: Workflow
              metadata: { generateName: evaluate- }
              spec: { entrypoint: main, arguments: { parameters: [{ name: model }] } }
            parameters:
              - { from: servingModelName, index: 1, dest: spec.arguments.parameters.0.value }
          - kind: k8s
            manifest:
              apiVersion: v1
              kind: ConfigMap
              metadata: { name: fraud-latest }
              data: { model: "" }
            parameters:
              - { from: servingModelLocation, dest: data.model }
`;

function synthesize(): Map<string, Manifest[]> {
  const app = buildApp(parseConfig(CONFIG, 'test.yaml'));
  return new Map(app.charts.map((chart) => [chart.node.id, chart.toJson() as Manifest[]]));
}

describe('config to charts', () => {
  const charts = synthesize();
  const platform = charts.get('platform-ml-platform')!;
  const consumer = charts.get('consumer-serving')!;
  const sensorName = sensorNameOf({ pipeline: 'Fraud Model', status: 'any' });

  it('names the charts after their namespaces', () => {
    expect([...charts.keys()]).toEqual(['platform-ml-platform', 'consumer-serving']);
  });

  it('passes the bus settings through', () => {
    expect(only(platform, 'EventBus').spec).toMatchObject({
      jetstream: {
        version: '2.9.16',
        replicas: 1,
        persistence: { storageClassName: 'fast', accessMode: 'ReadWriteOnce', volumeSize: '5Gi' },
      },
    });
  });

  it('configures the publisher for the bus, encoding and subject', () => {
    const env = envOf(at(only(platform, 'Deployment'), 'spec.template.spec.containers.0'));

    expect(env).toMatchObject({
      KFP_EVENTS_NATS_URL: 'nats://eventbus-runs-js-svc.ml-platform.svc:4222',
      KFP_EVENTS_SUBJECT: 'kfp.runs',
      KFP_EVENTS_ENCODING: 'binary',
      KFP_EVENTS_DELIVERY: 'jetstream',
      KFP_EVENTS_WORKFLOW_NAMESPACES: 'kubeflow,team-a',
    });
    expect(at(only(platform, 'Deployment'), 'spec.replicas')).toBe(1);
  });

  it('gives the consumer namespace the EventBus it asks for', () => {
    expect(only(consumer, 'EventBus').spec).toMatchObject({ jetstream: { version: '2.10.29', replicas: 3 } });
  });

  it('subscribes the EventSource to the publisher subject with the given credentials', () => {
    expect(at(only(consumer, 'EventSource'), 'spec.nats.run-completion')).toMatchObject({
      url: 'nats://eventbus-runs-js-svc.ml-platform.svc:4222',
      subject: 'kfp.runs',
      jsonBody: true,
      connectionBackoff: { duration: '1m30s', factor: 2, jitter: 0.2, steps: 10 },
      auth: {
        basic: {
          username: { name: 'bus-auth', key: 'user' },
          password: { name: 'bus-auth', key: 'password' },
        },
      },
      tls: { caCertSecret: { name: 'bus-ca', key: 'ca.crt' } },
    });
    expect(only(consumer, 'EventSource').metadata?.name).toBe('runs');
  });

  it('derives a valid Sensor name and filters on the binary-encoding paths', () => {
    const sensor = only(consumer, 'Sensor');

    expect(sensorName).toMatch(/^fraud-model-completed-[0-9a-f]{8}$/);
    expect(sensor.metadata?.name).toBe(sensorName);
    expect(at(sensor, 'spec.dependencies.0.filters.data')).toEqual([
      { path: 'body.status', type: 'string', value: ['^(succeeded|failed)$'] },
      { path: 'body.pipelineName', type: 'string', value: ['^Fraud Model$'] },
      { path: 'body.namespace', type: 'string', value: ['^team-a$'] },
    ]);
  });

  it('maps each trigger kind with its parameters, retry and delivery settings', () => {
    const [http, workflow, k8s] = at(only(consumer, 'Sensor'), 'spec.triggers') as Record<string, unknown>[];

    expect(at(http, 'template.http.payload')).toEqual([
      { src: { dependencyName: 'run-completion', dataKey: 'body.status' }, dest: 'outcome' },
      { src: { dependencyName: 'run-completion', dataKey: 'body.runId' }, dest: 'run.id' },
    ]);
    expect(at(http, 'template.http.secureHeaders')).toEqual([
      { name: 'Authorization', valueFrom: { secretKeyRef: { name: 'hook', key: 'token' } } },
    ]);
    expect(at(http, 'retryStrategy')).toEqual({ steps: 5, duration: '2s', factor: 2, jitter: 0.1 });
    expect(at(workflow, 'atLeastOnce')).toBe(false);
    expect(at(workflow, 'template.argoWorkflow.parameters')).toEqual([
      {
        src: { dependencyName: 'run-completion', dataKey: 'body.servingModelArtifacts.1.name' },
        dest: 'spec.arguments.parameters.0.value',
      },
    ]);
    expect(at(k8s, 'template.k8s.operation')).toBe('create');
    expect(at(k8s, 'template.k8s.source.resource')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fraud-latest', namespace: 'serving' },
      data: { model: '' },
    });
  });

  it('grants the Sensor exactly what its triggers do', () => {
    const role = only(consumer, 'Role');

    expect(role.metadata?.name).toBe(`${sensorName}-sensor`);
    expect(all(consumer, 'RoleBinding')).toHaveLength(1);
    expect(role.rules).toEqual([
      { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'list'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
    ]);
  });

  it('validates a config built in code before building anything', () => {
    const config = {
      platform: { namespace: 'ops', publisher: { image: 'i' } },
      consumers: [{ namespace: 'ops' }, { namespace: 'ops' }],
    };

    expect(() => buildApp(config)).toThrow(ConfigError);
    expect(() => buildApp(config)).toThrow(
      new ConfigError([
        {
          file: 'config',
          path: 'consumers[1].namespace',
          message: '"ops" is already used by consumers[0]; each consumer namespace may appear once',
        },
      ]),
    );
  });

  it.skipIf(!ARGO_SCHEMA_AVAILABLE)('produces Argo objects that the Argo Events schema accepts', () => {
    const objects = argoObjects([...platform, ...consumer]);

    expect(objects.map((o) => o.kind)).toEqual(['EventBus', 'EventBus', 'EventSource', 'Sensor']);
    expect(objects.flatMap(argoSchemaProblems)).toEqual([]);
  });
});

if (!ARGO_SCHEMA_AVAILABLE) console.warn(ARGO_SCHEMA_SKIP_MESSAGE);
