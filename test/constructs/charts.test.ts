import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ConsumerChart,
  EventBusKind,
  EventField,
  K8sOperation,
  OperatorEventBus,
  PlatformChart,
  RunStatusFilter,
  SensorTrigger,
} from 'kfp-events';
import {
  ARGO_SCHEMA_AVAILABLE,
  ARGO_SCHEMA_SKIP_MESSAGE,
  argoObjects,
  argoSchemaProblems,
} from '../support/argo-schema.js';
import { restrictedViolations, type PodSpecLike } from '../support/pod-security.js';
import { all, at, only, synth } from '../support/synth.js';

function platform(app = Testing.app()) {
  return new PlatformChart(app, 'platform', {
    namespace: 'kfp-operator',
    publisher: { image: 'ghcr.io/example/kfp-events:0.1.0', workflowNamespaces: ['kubeflow'] },
    consumerNamespaces: ['penguin-team'],
  });
}

function consumer(app = Testing.app(), operatorBus = platform(app).bus) {
  return new ConsumerChart(app, 'penguin-team', {
    namespace: 'penguin-team',
    operatorBus,
    pipelines: [
      {
        pipelineName: 'penguin-pipeline',
        name: 'penguin-pipeline-model-update',
        triggers: [
          SensorTrigger.log(),
          SensorTrigger.k8s({
            operation: K8sOperation.PATCH,
            target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'serving' },
            parameters: [{ src: EventField.servingModelLocation(0), dest: 'data.modelLocation' }],
          }),
        ],
      },
      {
        pipelineName: 'penguin-pipeline',
        name: 'penguin-pipeline-failures',
        status: RunStatusFilter.FAILED,
        triggers: [SensorTrigger.log()],
      },
    ],
  });
}

describe('PlatformChart', () => {
  it('holds the operator bus, the publisher wired to it and the bus NetworkPolicy', () => {
    const chart = platform();

    const manifests = synth(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata?.name ?? ''}`)).toEqual([
      'EventBus/kfp-operator-events',
      'ServiceAccount/kfp-events-publisher',
      'Deployment/kfp-events-publisher',
      'Service/kfp-events-publisher',
      'PodDisruptionBudget/kfp-events-publisher',
      'Role/kfp-events-publisher-workflows',
      'RoleBinding/kfp-events-publisher-workflows',
      'Role/kfp-events-publisher-lease',
      'RoleBinding/kfp-events-publisher-lease',
      'NetworkPolicy/kfp-operator-events-clients',
    ]);
    expect(at(only(manifests, 'NetworkPolicy'), 'spec.ingress.1.from.0.podSelector.matchLabels')).toEqual(
      chart.publisher.podLabels,
    );
    expect(
      at(
        only(manifests, 'NetworkPolicy'),
        'spec.ingress.2.from.0.namespaceSelector.matchExpressions.0.values',
      ),
    ).toEqual(['penguin-team']);
    expect(at(only(manifests, 'NetworkPolicy'), 'spec.ingress.2.from.0.podSelector.matchLabels')).toEqual({
      controller: 'eventsource-controller',
    });
    expect(manifests).toMatchSnapshot();
  });

  it('opens the bus metrics port to the scraper namespace it is given, and to no one by default', () => {
    const chart = new PlatformChart(Testing.app(), 'platform', {
      namespace: 'kfp-operator',
      publisher: { image: 'img:1' },
      busMetricsScraperNamespace: 'monitoring',
    });

    const ingress = at(only(synth(chart), 'NetworkPolicy'), 'spec.ingress') as {
      ports?: { port: number }[];
    }[];
    expect(ingress.map((rule) => rule.ports?.map((p) => p.port))).toEqual([undefined, [4222], [7777]]);
    expect(at(only(synth(platform()), 'NetworkPolicy'), 'spec.ingress')).toHaveLength(3);
  });

  it('leaves the NetworkPolicy out when told to', () => {
    const chart = new PlatformChart(Testing.app(), 'platform', {
      namespace: 'kfp-operator',
      bus: { kind: EventBusKind.JETSTREAM, name: 'events' },
      publisher: { image: 'img:1', replicas: 1 },
      networkPolicy: false,
    });

    expect(all(synth(chart), 'NetworkPolicy')).toEqual([]);
    expect(chart.networkPolicy).toBeUndefined();
    expect(chart.bus.clientUrl).toBe('nats://eventbus-events-js-svc.kfp-operator.svc:4222');
  });

  it('runs a publisher that passes the restricted Pod Security Standard', () => {
    const pod = at(only(synth(platform()), 'Deployment'), 'spec.template.spec');

    expect(restrictedViolations(pod as PodSpecLike)).toEqual([]);
  });
});

describe('ConsumerChart', () => {
  it('holds its default bus, an EventSource on the operator bus and one Sensor per pipeline', () => {
    const chart = consumer();

    const manifests = synth(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata?.name ?? ''}`)).toEqual([
      'EventBus/default',
      'EventSource/run-completion',
      'Sensor/penguin-pipeline-model-update',
      'ServiceAccount/penguin-pipeline-model-update-sensor',
      'Role/penguin-pipeline-model-update-sensor',
      'RoleBinding/penguin-pipeline-model-update-sensor',
      'Sensor/penguin-pipeline-failures',
    ]);
    expect(at(only(manifests, 'EventSource'), 'spec.nats.run-completion.url')).toBe(
      'nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222',
    );
    for (const sensor of all(manifests, 'Sensor')) {
      expect(at(sensor, 'spec.eventBusName')).toBe('default');
      expect(at(sensor, 'spec.dependencies.0.eventSourceName')).toBe('run-completion');
    }
    expect(chart.pipelineSensors.map((s) => s.name)).toEqual([
      'penguin-pipeline-model-update',
      'penguin-pipeline-failures',
    ]);
    expect(manifests).toMatchSnapshot();
  });

  it('passes its encoding to every Sensor and adds pipelines later with addPipeline()', () => {
    const app = Testing.app();
    const operatorBus = OperatorEventBus.fromBusAttributes(app, 'bus', {
      name: 'kfp-operator-events',
      namespace: 'kfp-operator',
    });
    const chart = new ConsumerChart(app, 'team', { namespace: 'team', operatorBus, encoding: 'binary' });
    chart.addPipeline({ pipelineName: 'taxi', status: RunStatusFilter.ANY, triggers: [SensorTrigger.log()] });

    expect(at(only(synth(chart), 'Sensor'), 'spec.dependencies.0.filters.data')).toEqual([
      { path: 'body.status', type: 'string', value: ['^(succeeded|failed)$'] },
      { path: 'body.pipelineName', type: 'string', value: ['^taxi$'] },
    ]);
  });
});

describe.skipIf(!ARGO_SCHEMA_AVAILABLE)('charts against the Argo Events schema', () => {
  it('synthesize only Argo objects the schema accepts', () => {
    const app = Testing.app();
    const chart = consumer(app);
    const objects = argoObjects([...synth(chart), ...synth(app.node.findChild('platform') as PlatformChart)]);

    expect(objects.map((o) => o.kind).sort()).toEqual([
      'EventBus',
      'EventBus',
      'EventSource',
      'Sensor',
      'Sensor',
    ]);
    for (const object of objects)
      expect([object.metadata?.name, argoSchemaProblems(object)]).toEqual([object.metadata?.name, []]);
  });
});
if (!ARGO_SCHEMA_AVAILABLE) console.log(`charts.test.ts: ${ARGO_SCHEMA_SKIP_MESSAGE}`);
