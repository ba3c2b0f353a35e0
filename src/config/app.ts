import { App, Duration, YamlOutputType } from 'cdk8s';
import {
  ConsumerChart,
  EventBusAuth,
  EventBusKind,
  EventField,
  K8sOperation,
  PlatformChart,
  DeliveryMode,
  RunStatusFilter,
  SensorTrigger,
  type EventBusOptions,
  type PipelineSensorOptions,
  type TriggerParameter,
  type TriggerRetryOptions,
} from '../constructs/index.js';
import { parseDuration } from '../contract/duration.js';
import { CONFIG_DEFAULTS, PATCH_CONTENT_TYPES } from './defaults.js';
import { validateConfig } from './load.js';
import { sensorNameOf } from './names.js';
import type {
  BackoffConfig,
  ConsumerConfig,
  EventBusSettings,
  KfpEventsConfig,
  ParameterConfig,
  PipelineConfig,
  PlatformConfig,
  TriggerConfig,
} from './types.js';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /**
   * Where `app.synth()` writes the manifests.
   * @default - `$CDK8S_OUTDIR`, else `dist` (cdk8s's own default)
   */
  readonly outdir?: string;
}

/** The id (and so the dist/ file name, without `.yaml`) of the platform chart of a namespace. */
export function platformChartId(namespace: string): string {
  return `platform-${namespace}`;
}

/** The id (and so the dist/ file name, without `.yaml`) of the chart of a consumer namespace. */
export function consumerChartId(namespace: string): string {
  return `consumer-${namespace}`;
}

/**
 * Builds the cdk8s app for a config: one `PlatformChart` for the operator namespace and one
 * `ConsumerChart` per consumer namespace, each synthesized to its own file (`platform-<ns>.yaml`,
 * `consumer-<ns>.yaml`). Defaults not given in the config are the construct library's. The config is
 * validated first (a cheap no-op for one that came from `loadConfigFile`); problems throw a `ConfigError`.
 */
export function buildApp(input: KfpEventsConfig, options: BuildAppOptions = {}): App {
  const config = validateConfig(input);
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    outputFileExtension: '.yaml',
    yamlOutputType: YamlOutputType.FILE_PER_CHART,
  });
  const consumers = config.consumers ?? [];

  const platform = addPlatformChart(app, config.platform, consumers);
  for (const consumer of consumers) {
    new ConsumerChart(app, consumerChartId(consumer.namespace), {
      namespace: consumer.namespace,
      operatorBus: platform.bus,
      encoding: config.platform.publisher.encoding,
      eventBus: busOptions(consumer.eventBus),
      eventSource: eventSourceProps(consumer, config.platform),
      pipelines: (consumer.pipelines ?? []).map(sensorOptions),
    });
  }
  return app;
}

/** Builds the app for a validated config and writes its manifests to `outdir`. */
export function synthesizeConfig(config: KfpEventsConfig, outdir: string): void {
  buildApp(config, { outdir }).synth();
}

const BUS_KINDS = { native: EventBusKind.NATIVE, jetstream: EventBusKind.JETSTREAM } as const;
const BUS_AUTHS = { none: EventBusAuth.NONE, token: EventBusAuth.TOKEN } as const;
const DELIVERIES = { core: DeliveryMode.CORE, jetstream: DeliveryMode.JETSTREAM } as const;
const STATUSES = {
  succeeded: RunStatusFilter.SUCCEEDED,
  failed: RunStatusFilter.FAILED,
  any: RunStatusFilter.ANY,
} as const;
const K8S_OPERATIONS = {
  create: K8sOperation.CREATE,
  update: K8sOperation.UPDATE,
  patch: K8sOperation.PATCH,
} as const;

function addPlatformChart(app: App, platform: PlatformConfig, consumers: readonly ConsumerConfig[]) {
  const { bus, publisher } = platform;

  return new PlatformChart(app, platformChartId(platform.namespace), {
    namespace: platform.namespace,
    bus: { name: bus?.name, ...busOptions(bus) },
    publisher: {
      image: publisher.image,
      replicas: publisher.replicas,
      source: publisher.source,
      encoding: publisher.encoding,
      delivery: publisher.delivery && DELIVERIES[publisher.delivery],
      subject: publisher.subject,
      workflowNamespaces: publisher.workflowNamespaces,
      mlmdAddress: publisher.mlmdAddress,
      logLevel: publisher.logLevel,
    },
    consumerNamespaces: consumers.map((consumer) => consumer.namespace),
  });
}

function busOptions(bus: EventBusSettings | undefined): Omit<EventBusOptions, 'namespace'> {
  return {
    kind: bus?.kind && BUS_KINDS[bus.kind],
    replicas: bus?.replicas,
    auth: bus?.auth && BUS_AUTHS[bus.auth],
    jetstreamVersion: bus?.jetstreamVersion,
    persistence: bus?.persistence && {
      storageClassName: bus.persistence.storageClassName,
      volumeSize: bus.persistence.size,
    },
  };
}

function eventSourceProps(consumer: ConsumerConfig, platform: PlatformConfig) {
  const source = consumer.eventSource;
  const backoff = source?.connectionBackoff;

  return {
    name: source?.name,
    subject: platform.publisher.subject,
    connectionBackoff: backoff && {
      duration: duration(backoff.duration),
      factor: backoff.factor,
      jitter: backoff.jitter,
      steps: backoff.steps,
    },
    auth: source?.auth,
    tls: source?.tls,
  };
}

function sensorOptions(entry: PipelineConfig): PipelineSensorOptions {
  return {
    pipelineName: entry.pipeline,
    pipelineNamespace: entry.pipelineNamespace,
    name: sensorNameOf(entry),
    status: STATUSES[entry.status ?? CONFIG_DEFAULTS.pipeline.status],
    triggers: entry.triggers.map(trigger),
  };
}

function trigger(config: TriggerConfig): SensorTrigger {
  switch (config.kind) {
    case 'log':
      return SensorTrigger.log({ name: config.name });
    case 'http':
      return SensorTrigger.http({
        name: config.name,
        url: config.url,
        method: config.method,
        payload: Object.fromEntries(config.payload.map((p) => [p.dest, eventField(p)])),
        headers: config.headers,
        secureHeaders:
          config.secureHeaders && Object.fromEntries(config.secureHeaders.map((h) => [h.name, h.secret])),
        atLeastOnce: config.atLeastOnce,
        retry: retry(config.retry),
      });
    case 'k8s': {
      const operation = config.operation ?? CONFIG_DEFAULTS.trigger.k8sOperation;
      const manifest = config.manifest;
      return SensorTrigger.k8s({
        name: config.name,
        operation: K8S_OPERATIONS[operation],
        target: config.target ?? {
          apiVersion: String(manifest?.apiVersion),
          kind: String(manifest?.kind),
          manifest,
        },
        parameters: config.parameters?.map(parameter),
        patchStrategy:
          operation === 'patch'
            ? PATCH_CONTENT_TYPES[config.patchStrategy ?? CONFIG_DEFAULTS.trigger.patchStrategy]
            : undefined,
        atLeastOnce: config.atLeastOnce,
        retry: retry(config.retry),
      });
    }
    case 'argoWorkflow':
      return SensorTrigger.argoWorkflow({
        name: config.name,
        workflow: config.workflow,
        parameters: config.parameters?.map(parameter),
        atLeastOnce: config.atLeastOnce,
        retry: retry(config.retry),
      });
  }
}

function parameter(config: ParameterConfig): TriggerParameter {
  return { src: eventField(config), dest: config.dest };
}

function eventField(config: ParameterConfig): EventField {
  const index = config.index ?? CONFIG_DEFAULTS.parameter.index;
  switch (config.from) {
    case 'status':
      return EventField.status();
    case 'pipelineName':
      return EventField.pipelineName();
    case 'namespace':
      return EventField.namespace();
    case 'servingModelLocation':
      return EventField.servingModelLocation(index);
    case 'servingModelName':
      return EventField.servingModelName(index);
    default:
      return EventField.field(config.from);
  }
}

function retry(config: BackoffConfig | undefined): TriggerRetryOptions | undefined {
  return (
    config && {
      steps: config.steps,
      duration: duration(config.duration),
      factor: config.factor,
      jitter: config.jitter,
    }
  );
}

/** A validated duration string as a cdk8s Duration. */
function duration(text: string | undefined): Duration | undefined {
  if (text === undefined) return undefined;

  const millis = parseDuration(text);
  if (millis === undefined) throw new Error(`duration ${JSON.stringify(text)} was not validated`);
  return Duration.millis(millis);
}
