import { describe, expect, it } from 'vitest';
import { argoPodSpec } from './argo-pods.js';
import { restrictedViolations } from './pod-security.js';

const pod = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const container = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };

describe('argoPodSpec', () => {
  it('gives a native bus its stan and metrics containers from their templates', () => {
    const spec = argoPodSpec({
      kind: 'EventBus',
      spec: { nats: { native: { securityContext: pod, containerTemplate: container } } },
    });

    expect(spec).toEqual({
      securityContext: pod,
      containers: [{ name: 'stan', ...container }, { name: 'metrics' }],
    });
    expect(restrictedViolations(spec)).toEqual([
      'spec.containers[metrics].securityContext.allowPrivilegeEscalation: must be false',
      'spec.containers[metrics].securityContext.capabilities.drop: must include ALL',
    ]);
  });

  it('gives a JetStream bus its main, reloader and metrics containers', () => {
    const spec = argoPodSpec({
      kind: 'EventBus',
      spec: {
        jetstream: {
          containerTemplate: container,
          reloaderContainerTemplate: container,
          metricsContainerTemplate: container,
        },
      },
    });

    expect(spec.containers.map((c) => c.name)).toEqual(['main', 'reloader', 'metrics']);
    expect(restrictedViolations(spec)).toContain(
      "spec.containers[reloader].securityContext.runAsNonRoot: must be true (here or in the pod's securityContext)",
    );
  });

  it('gives a Sensor or EventSource one main container and the /tmp emptyDir Argo Events adds', () => {
    const spec = argoPodSpec({
      kind: 'Sensor',
      spec: { template: { securityContext: pod, container, volumes: [{ name: 'x', hostPath: {} }] } },
    });

    expect(spec.containers).toEqual([{ name: 'main', ...container }]);
    expect(restrictedViolations(spec)).toEqual(['spec.volumes[0]: type hostPath is not allowed']);
    expect(restrictedViolations(argoPodSpec({ kind: 'EventSource', spec: {} }))).toHaveLength(4);
  });

  it('refuses objects that are not Argo Events workloads', () => {
    expect(() => argoPodSpec({ kind: 'Deployment' })).toThrow(
      'Deployment is not an Argo Events workload kind',
    );
    expect(() => argoPodSpec({ kind: 'EventBus', spec: { kafka: {} } })).toThrow(
      'EventBus has neither spec.nats.native nor spec.jetstream',
    );
  });
});
