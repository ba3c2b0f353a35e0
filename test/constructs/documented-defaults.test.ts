/**
 * Every literal `@default` in the construct props' JSDoc is what a construct built without that prop
 * synthesizes. The documented values are read from the sources, so changing a default in code without
 * its doc (or the reverse) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as kfp from 'kfp-events';
import { at, envOf, only, synth, type Manifest } from '../support/synth.js';

const SOURCES = new URL('../../src/constructs/', import.meta.url);

/** `Interface.prop` → the literal text after `@default`, for every literal default in the sources. */
function documentedDefaults(): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const file of readdirSync(SOURCES).filter((f) => f.endsWith('.ts'))) {
    let owner = '';
    let pending: string | undefined;
    for (const line of readFileSync(new URL(file, SOURCES), 'utf8').split('\n')) {
      owner = /^export interface (\w+)/.exec(line)?.[1] ?? owner;
      const documented = /^\s*\* @default (.+)$/.exec(line)?.[1];
      if (documented !== undefined) pending = documented.startsWith('-') ? undefined : documented.trim();
      const prop = /^\s*readonly (\w+)\??:/.exec(line)?.[1];
      if (prop !== undefined) {
        if (pending !== undefined) defaults.set(`${owner}.${prop}`, pending);
        pending = undefined;
      }
    }
  }
  return defaults;
}

/** Turns a documented literal into the value it synthesizes as. */
function evaluate(literal: string): unknown {
  const duration = /^Duration\.seconds\((\d+)\)$/.exec(literal);
  if (duration) return kfp.formatDuration(Duration.seconds(Number(duration[1])));
  const member = /^(\w+)\.(\w+)$/.exec(literal);
  if (member && !/^\d/.test(literal)) {
    return (kfp as unknown as Record<string, Record<string, unknown>>)[member[1] as string]?.[
      member[2] as string
    ];
  }
  return JSON.parse(literal.replace(/^'(.*)'$/, '"$1"')) as unknown;
}

function defaultsWorld() {
  const app = Testing.app();
  const platform = new kfp.PlatformChart(app, 'platform', {
    namespace: 'kfp-operator',
    bus: { persistence: {} },
    publisher: { image: 'img:1' },
  });
  const js = new Chart(app, 'js', { namespace: 'js' });
  new kfp.OperatorEventBus(js, 'Bus', { kind: kfp.EventBusKind.JETSTREAM });
  const consumer = new kfp.ConsumerChart(app, 'team', { namespace: 'team', operatorBus: platform.bus });
  consumer.addPipeline({
    pipelineName: 'p',
    triggers: [
      kfp.SensorTrigger.http({ url: 'http://hook', payload: {} }),
      kfp.SensorTrigger.k8s({
        operation: kfp.K8sOperation.PATCH,
        target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' },
      }),
      kfp.SensorTrigger.argoWorkflow({ workflow: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow' } }),
    ],
  });
  return { platform: synth(platform), js: synth(js), consumer: synth(consumer) };
}

type World = ReturnType<typeof defaultsWorld>;
const publisherEnv = (w: World) =>
  envOf(at(only(w.platform, 'Deployment'), 'spec.template.spec.containers.0'));
const eventSource = (w: World, path: string) =>
  at(only(w.consumer, 'EventSource'), `spec.nats.run-completion.${path}`);
const trigger = (w: World, index: number, path: string) =>
  at(only(w.consumer, 'Sensor'), `spec.triggers.${index}.${path}`);
const nativeBus = (w: World, path: string) => at(only(w.platform, 'EventBus'), `spec.nats.native.${path}`);
const E = kfp.PUBLISHER_ENV;

/** Where each documented default shows in the synthesized objects. */
const SYNTHESIZED: Record<string, (w: World) => unknown> = {
  'PlatformChartProps.networkPolicy': (w) => w.platform.some((m: Manifest) => m.kind === 'NetworkPolicy'),
  'ConsumerChartProps.encoding': (w) =>
    at(only(w.consumer, 'Sensor'), 'spec.dependencies.0.filters.data.0.path') === 'body.data.status'
      ? 'structured'
      : 'binary',
  'EventBusPersistence.volumeSize': (w) => nativeBus(w, 'persistence.volumeSize'),
  'EventBusOptions.kind': (w) =>
    'native' in (at(only(w.platform, 'EventBus'), 'spec.nats') as object) ? 'native' : 'other',
  'EventBusOptions.replicas': (w) => nativeBus(w, 'replicas'),
  'EventBusOptions.auth': (w) => nativeBus(w, 'auth'),
  'EventBusOptions.jetstreamVersion': (w) => at(only(w.js, 'EventBus'), 'spec.jetstream.version'),
  'OperatorEventBusProps.name': (w) => only(w.platform, 'EventBus').metadata?.name,
  'EventBusAttributes.kind': () =>
    kfp.OperatorEventBus.fromBusAttributes(Testing.chart(), 'b', { name: 'b', namespace: 'n' }).kind,
  'EventBusAttributes.auth': () =>
    kfp.OperatorEventBus.fromBusAttributes(Testing.chart(), 'b', { name: 'b', namespace: 'n' }).auth,
  'ConnectionBackoff.duration': (w) => eventSource(w, 'connectionBackoff.duration'),
  'ConnectionBackoff.factor': (w) => eventSource(w, 'connectionBackoff.factor'),
  'ConnectionBackoff.jitter': (w) => eventSource(w, 'connectionBackoff.jitter'),
  'ConnectionBackoff.steps': (w) => eventSource(w, 'connectionBackoff.steps'),
  'RunCompletionEventSourceProps.name': (w) => only(w.consumer, 'EventSource').metadata?.name,
  'RunCompletionEventSourceProps.eventName': (w) =>
    Object.keys(at(only(w.consumer, 'EventSource'), 'spec.nats') as object)[0],
  'RunCompletionEventSourceProps.subject': (w) => eventSource(w, 'subject'),
  'RunCompletionEventSourceProps.eventBusName': (w) =>
    at(only(w.consumer, 'EventSource'), 'spec.eventBusName'),
  'PipelineSensorOptions.status': (w) =>
    at(only(w.consumer, 'Sensor'), 'spec.dependencies.0.filters.data.0.value.0') === '^succeeded$'
      ? 'succeeded'
      : 'other',
  'PipelineSensorProps.encoding': (w) =>
    at(only(w.consumer, 'Sensor'), 'spec.dependencies.0.filters.data.0.path') === 'body.data.status'
      ? 'structured'
      : 'binary',
  'PipelineSensorProps.eventBusName': (w) => at(only(w.consumer, 'Sensor'), 'spec.eventBusName'),
  'PublisherOptions.name': (w) => only(w.platform, 'Deployment').metadata?.name,
  'PublisherOptions.replicas': (w) => at(only(w.platform, 'Deployment'), 'spec.replicas'),
  'PublisherOptions.source': (w) => publisherEnv(w)[E.SOURCE.name],
  'PublisherOptions.encoding': (w) => publisherEnv(w)[E.ENCODING.name],
  'PublisherOptions.subject': (w) => publisherEnv(w)[E.SUBJECT.name],
  'PublisherOptions.logLevel': (w) => publisherEnv(w)[E.LOG_LEVEL.name],
  'TriggerRetryOptions.steps': (w) => trigger(w, 0, 'retryStrategy.steps'),
  'TriggerRetryOptions.duration': (w) => trigger(w, 0, 'retryStrategy.duration'),
  'TriggerRetryOptions.factor': (w) => trigger(w, 0, 'retryStrategy.factor'),
  'TriggerRetryOptions.jitter': (w) => trigger(w, 0, 'retryStrategy.jitter'),
  'ActingTriggerOptions.atLeastOnce': (w) => trigger(w, 1, 'atLeastOnce'),
  'HttpTriggerOptions.method': (w) => trigger(w, 0, 'template.http.method'),
  'K8sTriggerOptions.patchStrategy': (w) => trigger(w, 1, 'template.k8s.patchStrategy'),
  'ArgoWorkflowTriggerOptions.operation': (w) => trigger(w, 2, 'template.argoWorkflow.operation'),
};

describe('documented defaults', () => {
  const documented = documentedDefaults();

  it('has a synthesized counterpart for every literal @default in the props', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(SYNTHESIZED).sort());
  });

  it('synthesizes exactly the documented value when a prop is left out', () => {
    const world = defaultsWorld();

    for (const [key, literal] of documented) {
      const synthesized = SYNTHESIZED[key]?.(world);
      expect([key, synthesized]).toEqual([key, evaluate(literal)]);
    }
  });
});
