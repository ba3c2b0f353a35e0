import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ConsumerChart,
  EventBusKind,
  K8sOperation,
  PlatformChart,
  SensorTrigger,
  type WorkloadSecurityOptions,
} from 'kfp-events';
import { ARGO_WORKLOAD_KINDS, argoPodSpec } from '../support/argo-pods.js';
import { restrictedViolations, type PodSpecLike } from '../support/pod-security.js';
import { at, only, synth, type Manifest } from '../support/synth.js';

function world(kind: EventBusKind, security: WorkloadSecurityOptions = {}) {
  const app = Testing.app();
  const platform = new PlatformChart(app, 'platform', {
    namespace: 'kfp-operator',
    bus: { kind, ...security },
    publisher: { image: 'ghcr.io/example/kfp-events:0.1.0', workflowNamespaces: ['kubeflow'] },
    consumerNamespaces: ['penguin-team'],
  });
  const consumer = new ConsumerChart(app, 'penguin-team', {
    namespace: 'penguin-team',
    operatorBus: platform.bus,
    eventBus: { kind, ...security },
    eventSource:
      kind === EventBusKind.JETSTREAM
        ? {
            ...security,
            auth: {
              basic: {
                username: { name: 'bus', key: 'username' },
                password: { name: 'bus', key: 'password' },
              },
            },
            tls: { caCertSecret: { name: 'bus', key: 'ca-cert' } },
          }
        : security,
    pipelines: [
      {
        pipelineName: 'penguin-pipeline',
        ...security,
        triggers: [
          SensorTrigger.k8s({
            operation: K8sOperation.PATCH,
            target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'serving' },
          }),
        ],
      },
    ],
  });
  return [...synth(platform), ...synth(consumer)];
}

/** Every pod the manifests lead to: our Deployments' and those Argo Events creates from our objects. */
function pods(manifests: readonly Manifest[]): [string, PodSpecLike][] {
  return manifests.flatMap((m): [string, PodSpecLike][] => {
    const id = `${m.kind}/${m.metadata?.name ?? ''}`;
    if (m.kind === 'Deployment') return [[id, at(m, 'spec.template.spec') as PodSpecLike]];
    if ((ARGO_WORKLOAD_KINDS as readonly string[]).includes(m.kind)) return [[id, argoPodSpec(m)]];
    return [];
  });
}

describe('workload security', () => {
  for (const kind of [EventBusKind.NATIVE, EventBusKind.JETSTREAM]) {
    it(`runs every pod of a ${kind} setup, including those Argo Events creates, under the restricted standard`, () => {
      const found = pods(world(kind));

      expect(found.map(([id]) => id)).toEqual([
        'EventBus/kfp-operator-events',
        'Deployment/kfp-events-publisher',
        'EventBus/default',
        'EventSource/run-completion',
        'Sensor/penguin-pipeline',
      ]);
      expect(found.flatMap(([id, pod]) => restrictedViolations(pod).map((v) => `${id}: ${v}`))).toEqual([]);
    });
  }

  it('passes a podSecurityContext override through to each Argo object unchanged', () => {
    const podSecurityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const manifests = world(EventBusKind.NATIVE, { podSecurityContext });

    expect(at(only(manifests, 'EventBus', 'default'), 'spec.nats.native.securityContext')).toEqual(
      podSecurityContext,
    );
    expect(at(only(manifests, 'EventSource'), 'spec.template.securityContext')).toEqual(podSecurityContext);
    expect(at(only(manifests, 'Sensor'), 'spec.template.securityContext')).toEqual(podSecurityContext);
    expect(at(only(manifests, 'Sensor'), 'spec.template.serviceAccountName')).toBe('penguin-pipeline-sensor');
  });

  it('lets a weakening containerSecurityContext override show up as violations', () => {
    const manifests = world(EventBusKind.JETSTREAM, {
      containerSecurityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } },
    });

    const violations = pods(manifests)
      .filter(([id]) => id.startsWith('Sensor/') || id === 'EventBus/default')
      .flatMap(([id, pod]) => restrictedViolations(pod).map((v) => `${id}: ${v}`));
    expect(violations).toEqual([
      'EventBus/default: spec.containers[main].securityContext.allowPrivilegeEscalation: must be false',
      'EventBus/default: spec.containers[reloader].securityContext.allowPrivilegeEscalation: must be false',
      'EventBus/default: spec.containers[metrics].securityContext.allowPrivilegeEscalation: must be false',
      'Sensor/penguin-pipeline: spec.containers[main].securityContext.allowPrivilegeEscalation: must be false',
    ]);
  });
});
