import type { LogLevel, PublisherDelivery } from '../contract/publisher-env.js';

/**
 * The shape of `kfp-events.yaml`, as written by users. Optional fields take the defaults in
 * `CONFIG_DEFAULTS` (./defaults.ts); `src/schemas/config.schema.json` describes the same shape for
 * editors and validation, and a test keeps the two in agreement.
 */
export interface KfpEventsConfig {
  /** The operator namespace: the shared event bus and the publisher. */
  readonly platform: PlatformConfig;
  /**
   * The namespaces that react to run completions.
   * @default []
   */
  readonly consumers?: readonly ConsumerConfig[];
}

/** The operator namespace. */
export interface PlatformConfig {
  /** The namespace of the bus and the publisher, e.g. `kfp-operator`. */
  readonly namespace: string;
  /** The EventBus that carries run-completion events to the consumer namespaces. */
  readonly bus?: BusConfig;
  /** The publisher Deployment. */
  readonly publisher: PublisherConfig;
}

/** The two EventBus implementations the platform bus can use. */
export const BUS_KINDS = ['native', 'jetstream'] as const;

/** How the platform bus is implemented. */
export type BusKind = (typeof BUS_KINDS)[number];

/** Client authentication of a native (NATS Streaming) bus. */
export const NATIVE_BUS_AUTHS = ['none', 'token'] as const;

/** Client authentication of a native bus. */
export type NativeBusAuth = (typeof NATIVE_BUS_AUTHS)[number];

/** The platform EventBus. */
export interface BusConfig extends EventBusSettings {
  /**
   * The EventBus name.
   * @default 'kfp-operator-events'
   */
  readonly name?: string;
}

/** The settings of an EventBus, platform or consumer. */
export interface EventBusSettings {
  /**
   * `native` (NATS Streaming, what the run-completion documentation shows) or `jetstream`.
   * @default 'native'
   */
  readonly kind?: BusKind;
  /**
   * StatefulSet size: at least 3 for `native`; 1 or at least 3 for `jetstream`.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Native buses only: `none` or `token`. JetStream buses always use TLS with user/password.
   * @default 'none'
   */
  readonly auth?: NativeBusAuth;
  /**
   * JetStream buses only: a version listed in the Argo Events controller config.
   * @default '2.10.29'
   */
  readonly jetstreamVersion?: string;
  /**
   * A PersistentVolumeClaim per bus replica.
   * @default - no persistence (the bus keeps messages in memory)
   */
  readonly persistence?: PersistenceConfig;
}

/** Persistent storage of the bus. */
export interface PersistenceConfig {
  /**
   * The StorageClass of the claims.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * The size of each claim, a Kubernetes quantity.
   * @default '10Gi'
   */
  readonly size?: string;
}

/** The publisher Deployment. */
export interface PublisherConfig {
  /** The publisher runtime image, e.g. `ghcr.io/kfp-events/publisher:0.1.0`. */
  readonly image: string;
  /**
   * Pod replicas; with more than one, a Lease elects the one that watches workflows.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The CloudEvent `source` of the events it publishes.
   * @default 'kfp'
   */
  readonly source?: string;
  /**
   * `structured` or `binary`; the Sensors' filter paths follow it.
   * @default 'structured'
   */
  readonly encoding?: 'structured' | 'binary';
  /**
   * `core` (publish + flush) or `jetstream` (PubAck; needs a `jetstream` bus).
   * @default - `jetstream` on a jetstream bus, else `core`
   */
  readonly delivery?: PublisherDelivery;
  /**
   * The NATS subject; every consumer's EventSource subscribes to it.
   * @default 'events'
   */
  readonly subject?: string;
  /**
   * Namespaces whose Argo Workflows (KFP runs) the publisher watches.
   * @default [] (HTTP ingest only)
   */
  readonly workflowNamespaces?: readonly string[];
  /**
   * `host:port` of ML Metadata's gRPC service, e.g. `metadata-grpc-service.kubeflow:8080`.
   * @default - none: events carry no serving model artifacts
   */
  readonly mlmdAddress?: string;
  /**
   * The runtime's log level.
   * @default 'info'
   */
  readonly logLevel?: LogLevel;
}

/** A namespace that reacts to run completions. */
export interface ConsumerConfig {
  /** The namespace, e.g. `penguin-team`. It gets an EventBus `default`, the EventSource and the Sensors. */
  readonly namespace: string;
  /**
   * The namespace's EventBus `default`.
   * @default - native, 3 replicas, no auth
   */
  readonly eventBus?: EventBusSettings;
  /** The NATS EventSource that subscribes to the platform bus. */
  readonly eventSource?: EventSourceConfig;
  /**
   * One Sensor per entry.
   * @default []
   */
  readonly pipelines?: readonly PipelineConfig[];
}

/** The consumer namespace's EventSource. */
export interface EventSourceConfig {
  /**
   * The EventSource name.
   * @default 'run-completion'
   */
  readonly name?: string;
  /** How it retries connecting to the platform bus. */
  readonly connectionBackoff?: BackoffConfig;
  /**
   * Credentials for the platform bus, as Secret keys in the consumer namespace.
   * @default - none (required when the bus uses token auth or is JetStream)
   */
  readonly auth?: EventSourceAuthConfig;
  /**
   * TLS towards the platform bus.
   * @default - plain TCP (TLS is required for a JetStream bus)
   */
  readonly tls?: { readonly caCertSecret: SecretKeyConfig };
}

/** Credentials of the EventSource for the platform bus. */
export interface EventSourceAuthConfig {
  /** The token of a native bus with token auth. */
  readonly token?: SecretKeyConfig;
  /** User and password of a JetStream bus. */
  readonly basic?: { readonly username: SecretKeyConfig; readonly password: SecretKeyConfig };
}

/** A retry schedule. Defaults: `10s`, 2, 0.2, 5 for connecting; `1s`, 2, 0.1, 3 for triggers. */
export interface BackoffConfig {
  /** The first wait, e.g. `10s`, `1m30s`. */
  readonly duration?: string;
  /** Each wait is the previous one times this. */
  readonly factor?: number;
  /** Random extra wait, as a fraction of the wait. */
  readonly jitter?: number;
  /** Attempts (for triggers: retries) before giving up. */
  readonly steps?: number;
}

/** Which run completions a Sensor reacts to. */
export const PIPELINE_STATUSES = ['succeeded', 'failed', 'any'] as const;

/** Which run completions a Sensor reacts to. */
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

/** One Sensor: the runs of one pipeline with one status, and what happens then. */
export interface PipelineConfig {
  /** The KFP pipeline name, matched exactly (not as a regular expression). */
  readonly pipeline: string;
  /**
   * Only runs in this namespace.
   * @default - runs in any namespace
   */
  readonly pipelineNamespace?: string;
  /**
   * The Sensor name.
   * @default - `<pipeline>-<status>` (`-completed` for `any`), made a valid name with a hash suffix
   * where needed; see `deriveSensorName`
   */
  readonly sensor?: string;
  /**
   * The run status to react to.
   * @default 'succeeded'
   */
  readonly status?: PipelineStatus;
  /** What happens, in order; at least one. */
  readonly triggers: readonly TriggerConfig[];
}

/** The trigger kinds a pipeline entry can use. */
export const TRIGGER_KINDS = ['log', 'http', 'k8s', 'argoWorkflow'] as const;

/** A trigger kind. */
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** What a Sensor does on a matching event. */
export type TriggerConfig =
  LogTriggerConfig | HttpTriggerConfig | K8sTriggerConfig | ArgoWorkflowTriggerConfig;

/** Fields every trigger has. */
export interface TriggerBaseConfig {
  /**
   * The trigger name, unique within its Sensor.
   * @default - the kind (`argo-workflow` for argoWorkflow), numbered from the second of a kind on (`k8s-2`)
   */
  readonly name?: string;
}

/** Fields of triggers that change something. */
export interface ActingTriggerConfig extends TriggerBaseConfig {
  /**
   * Retry a failed trigger.
   * @default - 3 retries, 1s, factor 2, jitter 0.1
   */
  readonly retry?: BackoffConfig;
  /**
   * Run the trigger before the bus message is acknowledged.
   * @default true
   */
  readonly atLeastOnce?: boolean;
}

/** Logs the event in the Sensor pod. */
export interface LogTriggerConfig extends TriggerBaseConfig {
  readonly kind: 'log';
}

/** HTTP methods an http trigger can use. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Calls a URL. */
export interface HttpTriggerConfig extends ActingTriggerConfig {
  readonly kind: 'http';
  /** The `http(s)://` URL to call. */
  readonly url: string;
  /**
   * The HTTP method.
   * @default 'POST'
   */
  readonly method?: (typeof HTTP_METHODS)[number];
  /** The JSON body: event fields placed at `dest` paths; at least one. */
  readonly payload: readonly ParameterConfig[];
  /** Plain request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request headers whose values come from Secrets in the consumer namespace. */
  readonly secureHeaders?: readonly SecureHeaderConfig[];
}

/** A request header taken from a Secret. */
export interface SecureHeaderConfig {
  /** The header name. */
  readonly name: string;
  /** The Secret key holding the value. */
  readonly secret: SecretKeyConfig;
}

/** A key of a Secret in the consumer namespace. */
export interface SecretKeyConfig {
  /** The Secret name. */
  readonly name: string;
  /** The key within it. */
  readonly key: string;
}

/** What a k8s trigger does to its object. */
export const K8S_OPERATIONS = ['create', 'update', 'patch'] as const;

/** Patch strategies of a k8s `patch`. */
export const PATCH_STRATEGIES = ['merge', 'strategic', 'json'] as const;

/** Creates, updates or patches a Kubernetes object in the consumer namespace. */
export interface K8sTriggerConfig extends ActingTriggerConfig {
  readonly kind: 'k8s';
  /**
   * What to do to the object.
   * @default 'create'
   */
  readonly operation?: (typeof K8S_OPERATIONS)[number];
  /** An existing object, by type and name. Give this or `manifest`. */
  readonly target?: ObjectReferenceConfig;
  /** A whole object. Give this or `target`. */
  readonly manifest?: Readonly<Record<string, unknown>>;
  /**
   * Event fields written into the object.
   * @default []
   */
  readonly parameters?: readonly ParameterConfig[];
  /**
   * `patch` only: how the patch is applied.
   * @default 'merge'
   */
  readonly patchStrategy?: (typeof PATCH_STRATEGIES)[number];
}

/** A Kubernetes object by type and name. */
export interface ObjectReferenceConfig {
  /** e.g. `v1`, `apps/v1`. */
  readonly apiVersion: string;
  /** e.g. `ConfigMap`. */
  readonly kind: string;
  /** The object name. */
  readonly name: string;
}

/** Submits an Argo Workflow. */
export interface ArgoWorkflowTriggerConfig extends ActingTriggerConfig {
  readonly kind: 'argoWorkflow';
  /**
   * What to do; only `submit` is supported.
   * @default 'submit'
   */
  readonly operation?: 'submit';
  /** The Workflow manifest (`apiVersion: argoproj.io/v1alpha1`, `kind: Workflow`). */
  readonly workflow: Readonly<Record<string, unknown>>;
  /**
   * Event fields written into the Workflow.
   * @default []
   */
  readonly parameters?: readonly ParameterConfig[];
}

/** The event fields a parameter can copy. */
export const EVENT_FIELDS = [
  'status',
  'pipelineName',
  'namespace',
  'runId',
  'runName',
  'runConfigurationName',
  'runStartTime',
  'runEndTime',
  'servingModelLocation',
  'servingModelName',
] as const;

/** An event field a parameter can copy. */
export type EventFieldName = (typeof EVENT_FIELDS)[number];

/** Copies an event field into a trigger's object or payload. */
export interface ParameterConfig {
  /** The event field. */
  readonly from: EventFieldName;
  /**
   * `servingModelLocation` / `servingModelName`: which serving model (0 is the first).
   * @default 0
   */
  readonly index?: number;
  /** Where it goes: a dotted path in the object or payload, e.g. `data.modelLocation`. */
  readonly dest: string;
}
