/**
 * Reads, out of an Argo Events object, the pod that the Argo Events controller (v1.9) will create from
 * it, as far as the restricted Pod Security Standard cares: the pod security context, one entry per
 * container with the security context the object templates for it, and the object's own volumes.
 *
 * Container names and which template feeds which container follow the upstream reconcilers
 * (`pkg/reconciler/eventbus/installer/{nats,jetstream}.go`, `pkg/reconciler/{eventsource,sensor}/resource.go`);
 * the controller sets no security context of its own, so a container without a template gets none.
 */
import type { PodSpecLike } from './pod-security.js';

type Json = Record<string, unknown>;

/** The Argo Events kinds whose objects become pods. */
export const ARGO_WORKLOAD_KINDS = ['EventBus', 'EventSource', 'Sensor'] as const;

const NATIVE_CONTAINERS = { stan: 'containerTemplate', metrics: 'metricsContainerTemplate' };
const JETSTREAM_CONTAINERS = {
  main: 'containerTemplate',
  reloader: 'reloaderContainerTemplate',
  metrics: 'metricsContainerTemplate',
};

/** The pod spec Argo Events derives from `manifest`; throws for any other kind or an unknown bus. */
export function argoPodSpec(manifest: { kind: string; spec?: unknown }): PodSpecLike {
  const spec = (manifest.spec ?? {}) as Json;

  if (manifest.kind === 'EventBus') {
    const native = (spec.nats as Json | undefined)?.native as Json | undefined;
    if (native) return busPod(native, NATIVE_CONTAINERS);
    const jetstream = spec.jetstream as Json | undefined;
    if (jetstream) return busPod(jetstream, JETSTREAM_CONTAINERS);
    throw new Error('EventBus has neither spec.nats.native nor spec.jetstream');
  }
  if (manifest.kind === 'EventSource' || manifest.kind === 'Sensor') {
    const template = (spec.template ?? {}) as Json;
    const container = (template.container ?? {}) as Json;
    return {
      ...(template.securityContext ? { securityContext: template.securityContext } : {}),
      containers: [{ name: 'main', ...securityOf(container) }],
      volumes: [...((template.volumes as Json[] | undefined) ?? []), { name: 'tmp', emptyDir: {} }],
    };
  }
  throw new Error(`${manifest.kind} is not an Argo Events workload kind`);
}

function busPod(strategy: Json, containers: Record<string, string>): PodSpecLike {
  return {
    ...(strategy.securityContext ? { securityContext: strategy.securityContext } : {}),
    containers: Object.entries(containers).map(([name, field]) => ({
      name,
      ...securityOf((strategy[field] ?? {}) as Json),
    })),
  };
}

function securityOf(template: Json): { securityContext?: Json } {
  return template.securityContext ? { securityContext: template.securityContext as Json } : {};
}
