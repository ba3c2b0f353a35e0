/**
 * The environment variables the publisher runtime reads: the one contract between the publisher
 * construct (which sets them) and the runtime (which validates them at start). Nothing else names them.
 */
export interface PublisherEnvVar {
  /** The variable's name. */
  readonly name: string;
  /** Whether the runtime refuses to start without it. */
  readonly required: boolean;
  /** The value in effect when unset, as the runtime applies it; absent where unset means "off". */
  readonly default?: string;
  /** What it holds and what is allowed. */
  readonly description: string;
}

const vars = {
  NATS_URL: {
    name: 'KFP_EVENTS_NATS_URL',
    required: true,
    description:
      'Comma-separated NATS server URLs, e.g. `nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222`.',
  },
  SUBJECT: {
    name: 'KFP_EVENTS_SUBJECT',
    required: false,
    default: 'events',
    description: 'The NATS subject events are published on.',
  },
  DELIVERY: {
    name: 'KFP_EVENTS_DELIVERY',
    required: false,
    default: 'core',
    description:
      '`core` (publish, then flush: what a native NATS Streaming bus supports) or `jetstream` (stream with a duplicate window; success is the PubAck).',
  },
  JETSTREAM_STREAM: {
    name: 'KFP_EVENTS_JETSTREAM_STREAM',
    required: false,
    default: 'kfp-events',
    description: 'JetStream mode: the stream created or updated at start to hold the subject.',
  },
  JETSTREAM_DUPLICATE_WINDOW: {
    name: 'KFP_EVENTS_JETSTREAM_DUPLICATE_WINDOW',
    required: false,
    default: '2m',
    description:
      "JetStream mode: the stream's duplicate window (a duration such as `2m`, `1h`); a re-sent event id inside it is stored once.",
  },
  ENCODING: {
    name: 'KFP_EVENTS_ENCODING',
    required: false,
    default: 'structured',
    description:
      '`structured` (the whole CloudEvent as the payload) or `binary` (`data` as the payload, attributes as `ce-*` headers).',
  },
  SOURCE: {
    name: 'KFP_EVENTS_SOURCE',
    required: false,
    default: 'kfp',
    description:
      'The CloudEvent `source` of events built from workflows, and of plain `data` POSTed over HTTP.',
  },
  LISTEN_HOST: {
    name: 'KFP_EVENTS_LISTEN_HOST',
    required: false,
    default: '0.0.0.0',
    description: 'The address the HTTP and health ports listen on.',
  },
  HTTP_PORT: {
    name: 'KFP_EVENTS_HTTP_PORT',
    required: false,
    default: '8080',
    description: 'Port of the HTTP ingest (`POST /events`).',
  },
  HEALTH_PORT: {
    name: 'KFP_EVENTS_HEALTH_PORT',
    required: false,
    default: '8081',
    description: 'Port of `/healthz`, `/readyz` and `/metrics`.',
  },
  PUBLISH_TIMEOUT: {
    name: 'KFP_EVENTS_PUBLISH_TIMEOUT',
    required: false,
    default: '5s',
    description:
      'How long one publish may wait for the bus to confirm it (flush or PubAck) before it fails (a duration such as `500ms`, `5s`).',
  },
  SHUTDOWN_TIMEOUT: {
    name: 'KFP_EVENTS_SHUTDOWN_TIMEOUT',
    required: false,
    default: '20s',
    description:
      "On SIGTERM: how long in-flight publishes and the NATS drain may take before the process exits anyway; keep it below the pod's termination grace period.",
  },
  WORKFLOW_NAMESPACES: {
    name: 'KFP_EVENTS_WORKFLOW_NAMESPACES',
    required: false,
    description:
      'Comma-separated namespaces whose Argo Workflows are watched; unset or empty turns the workflow source off.',
  },
  LEADER_ELECTION: {
    name: 'KFP_EVENTS_LEADER_ELECTION',
    required: false,
    default: 'false',
    description:
      '`true` to let only the holder of a `coordination.k8s.io` Lease watch workflows (needed with more than one replica).',
  },
  LEASE_NAME: {
    name: 'KFP_EVENTS_LEASE_NAME',
    required: false,
    default: 'kfp-events-publisher',
    description: "Leader election: the Lease's name.",
  },
  LEASE_NAMESPACE: {
    name: 'KFP_EVENTS_LEASE_NAMESPACE',
    required: false,
    description: "Leader election: the Lease's namespace; required when leader election is on.",
  },
  LEASE_DURATION: {
    name: 'KFP_EVENTS_LEASE_DURATION',
    required: false,
    default: '15s',
    description:
      'Leader election: how long a lease holds without renewal; a new leader takes over within it.',
  },
  POD_NAME: {
    name: 'KFP_EVENTS_POD_NAME',
    required: false,
    description: "This replica's identity as a lease holder (the Deployment sets it from the pod name).",
  },
  NATS_TOKEN: {
    name: 'KFP_EVENTS_NATS_TOKEN',
    required: false,
    description: 'NATS token auth (set it from a Secret).',
  },
  NATS_USER: {
    name: 'KFP_EVENTS_NATS_USER',
    required: false,
    description: 'NATS user/password auth: the user (set it from a Secret).',
  },
  NATS_PASSWORD: {
    name: 'KFP_EVENTS_NATS_PASSWORD',
    required: false,
    description: 'NATS user/password auth: the password (set it from a Secret).',
  },
  NATS_CLIENT_AUTH_FILE: {
    name: 'KFP_EVENTS_NATS_CLIENT_AUTH_FILE',
    required: false,
    description:
      "A file in Argo Events' `client-auth` format: YAML `token: …`, or `username: …` and `password: …`.",
  },
  NATS_NKEY_SEED_FILE: {
    name: 'KFP_EVENTS_NATS_NKEY_SEED_FILE',
    required: false,
    description: 'A file holding an NKey seed (`SU…`).',
  },
  NATS_CREDS_FILE: {
    name: 'KFP_EVENTS_NATS_CREDS_FILE',
    required: false,
    description: 'A NATS `.creds` file (JWT and NKey seed).',
  },
  NATS_TLS_CA_FILE: {
    name: 'KFP_EVENTS_NATS_TLS_CA_FILE',
    required: false,
    description: 'PEM CA bundle to verify the NATS server with; turns TLS on.',
  },
  NATS_TLS_INSECURE_SKIP_VERIFY: {
    name: 'KFP_EVENTS_NATS_TLS_INSECURE_SKIP_VERIFY',
    required: false,
    default: 'false',
    description:
      '`true` to use TLS without verifying the server certificate. Never implied by anything else.',
  },
  MLMD_ADDRESS: {
    name: 'KFP_EVENTS_MLMD_ADDRESS',
    required: false,
    description:
      "`host:port` of ML Metadata's gRPC service (e.g. `metadata-grpc-service.kubeflow:8080`); unset means events carry no serving model artifacts.",
  },
  ARTIFACT_COMPONENT: {
    name: 'KFP_EVENTS_ARTIFACT_COMPONENT',
    required: false,
    default: 'Pusher',
    description: 'The component whose output holds the models pushed for serving.',
  },
  ARTIFACT_OUTPUT: {
    name: 'KFP_EVENTS_ARTIFACT_OUTPUT',
    required: false,
    default: 'pushed_model',
    description: 'The output of that component that holds the pushed model.',
  },
  LOG_LEVEL: {
    name: 'KFP_EVENTS_LOG_LEVEL',
    required: false,
    default: 'info',
    description: '`debug`, `info`, `warn` or `error`.',
  },
} as const satisfies Record<string, PublisherEnvVar>;

/** The publisher's environment variables by short key, e.g. `PUBLISHER_ENV.NATS_URL.name`. */
export const PUBLISHER_ENV: { readonly [K in keyof typeof vars]: PublisherEnvVar & (typeof vars)[K] } = vars;

/** Every environment variable the publisher reads. */
export const PUBLISHER_ENV_VARS: readonly PublisherEnvVar[] = Object.values(vars);

/** How the publisher puts events on NATS (`KFP_EVENTS_DELIVERY`). */
export const PUBLISHER_DELIVERIES = ['core', 'jetstream'] as const;

/** A delivery mode of the publisher. */
export type PublisherDelivery = (typeof PUBLISHER_DELIVERIES)[number];

/** Log levels of the publisher runtime (`KFP_EVENTS_LOG_LEVEL`), in increasing severity. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A log level of the publisher runtime. */
export type LogLevel = (typeof LOG_LEVELS)[number];
