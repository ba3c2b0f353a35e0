import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_WIRE_ENCODING, PUBLISHER_ENV, type WireEncoding } from '../contract/index.js';
import { chartNamespace, EventBusKind, type IEventBus, type SecretKeyReference } from './event-bus.js';
import type { PolicyRule } from './sensor-trigger.js';
import { PropsValidator } from './validation.js';

/** How the publisher hands events to NATS. */
export enum DeliveryMode {
  /** Publish, then flush: what a native NATS Streaming bus supports. */
  CORE = 'core',
  /** JetStream with a duplicate window; success is the PubAck. Needs a JetStream bus. */
  JETSTREAM = 'jetstream',
}

/** Options of a {@link Publisher} that a composition passes through unchanged. */
export interface PublisherOptions {
  /** The publisher runtime's container image, e.g. `ghcr.io/example/kfp-events:0.1.0`. */
  readonly image: string;
  /**
   * The Deployment's (and Service's, ServiceAccount's) name.
   * @default 'kfp-events-publisher'
   */
  readonly name?: string;
  /**
   * Pod replicas. With more than one, leader election lets only one of them watch workflows.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The CloudEvent `source` of events built from workflows.
   * @default 'kfp'
   */
  readonly source?: string;
  /**
   * The wire encoding on NATS; the consumers' Sensors must use the same.
   * @default 'structured'
   */
  readonly encoding?: WireEncoding;
  /**
   * Core NATS or JetStream publishing.
   * @default - `JETSTREAM` on a JetStream bus, else `CORE`
   */
  readonly delivery?: DeliveryMode;
  /**
   * The NATS subject.
   * @default 'events'
   */
  readonly subject?: string;
  /**
   * Namespaces whose Argo Workflows (KFP runs) are watched; each gets a Role for the publisher.
   * @default - none: only the HTTP ingest publishes
   */
  readonly workflowNamespaces?: readonly string[];
  /**
   * `host:port` of ML Metadata's gRPC service, to find the serving model artifacts of a run.
   * @default - none: events carry no serving model artifacts
   */
  readonly mlmdAddress?: string;
  /**
   * The log level.
   * @default 'info'
   */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * CPU and memory of the container.
   * @default - requests 50m CPU and 96Mi memory, limits 500m CPU and 256Mi memory
   */
  readonly resources?: kplus.ContainerResources;
}

/** Props of {@link Publisher}. */
export interface PublisherProps extends PublisherOptions {
  /** The bus to publish to; its client Secrets must be in the publisher's namespace. */
  readonly bus: IEventBus;
  /**
   * The namespace of the publisher.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** The defaults of {@link Publisher}, in one place. */
export const PUBLISHER_DEFAULTS = {
  name: 'kfp-events-publisher',
  replicas: 2,
  source: PUBLISHER_ENV.SOURCE.default,
  encoding: DEFAULT_WIRE_ENCODING,
  subject: PUBLISHER_ENV.SUBJECT.default,
  logLevel: 'info',
  httpPort: Number(PUBLISHER_ENV.HTTP_PORT.default),
  healthPort: Number(PUBLISHER_ENV.HEALTH_PORT.default),
  servicePort: 80,
  user: 10001,
  tmpSizeLimit: Size.mebibytes(16),
  resources: {
    cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
    memory: { request: Size.mebibytes(96), limit: Size.mebibytes(256) },
  },
} as const;

const TMP_PATH = '/tmp';
const SECRETS_DIR = '/etc/kfp-events';
const CLIENT_AUTH_PATH = `${SECRETS_DIR}/nats-auth/client-auth`;
const TLS_CA_PATH = `${SECRETS_DIR}/nats-ca/ca-cert`;

/**
 * The publisher runtime: a Deployment that watches Argo Workflows and accepts HTTP CloudEvents, and
 * publishes run completions to the operator bus. Configured only through the environment variables of
 * the contract's `PUBLISHER_ENV`; Secrets are mounted, never copied.
 */
export class Publisher extends Construct {
  /** The Deployment's name. */
  readonly name: string;
  /** The publisher's namespace. */
  readonly namespace: string;
  /** The labels of the publisher's pods, for network policies. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Whether the replicas elect a leader to watch workflows (with more than one replica), using a Lease named like the Deployment. */
  readonly leaderElection: boolean;
  /** The Deployment. */
  readonly deployment: kplus.Deployment;
  /** The ClusterIP Service of the HTTP ingest. */
  readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: PublisherProps) {
    super(scope, id);

    const name = props.name ?? PUBLISHER_DEFAULTS.name;
    const namespace = props.namespace ?? chartNamespace(this);
    const replicas = props.replicas ?? PUBLISHER_DEFAULTS.replicas;
    const workflowNamespaces = [...(props.workflowNamespaces ?? [])];
    const delivery =
      props.delivery ??
      (props.bus.kind === EventBusKind.JETSTREAM ? DeliveryMode.JETSTREAM : DeliveryMode.CORE);
    validate(this, props, name, namespace, replicas, workflowNamespaces, delivery);

    this.name = name;
    this.namespace = namespace as string;
    this.leaderElection = replicas > 1;
    this.podLabels = { 'app.kubernetes.io/name': 'kfp-events-publisher', 'app.kubernetes.io/instance': name };
    const needsApi = workflowNamespaces.length > 0 || this.leaderElection;

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: this.namespace },
      automountToken: false,
    });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name, namespace: this.namespace, labels: this.podLabels },
      replicas,
      select: false,
      serviceAccount,
      automountServiceAccountToken: needsApi,
      podMetadata: {
        labels: this.podLabels,
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(PUBLISHER_DEFAULTS.healthPort),
          'prometheus.io/path': '/metrics',
        },
      },
      securityContext: {
        ensureNonRoot: true,
        user: PUBLISHER_DEFAULTS.user,
        group: PUBLISHER_DEFAULTS.user,
        fsGroup: PUBLISHER_DEFAULTS.user,
      },
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.podLabels }));
    // cdk8s-plus-27 models neither the seccomp profile nor dropping `ALL` capabilities (its enum lists
    // single capabilities only); the restricted Pod Security Standard needs both.
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    );

    const container = this.deployment.addContainer({
      name: 'publisher',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [
        { name: 'http', number: PUBLISHER_DEFAULTS.httpPort },
        { name: 'health', number: PUBLISHER_DEFAULTS.healthPort },
      ],
      envVariables: this.environment(props, workflowNamespaces, delivery),
      resources: props.resources ?? PUBLISHER_DEFAULTS.resources,
      securityContext: {
        ensureNonRoot: true,
        user: PUBLISHER_DEFAULTS.user,
        group: PUBLISHER_DEFAULTS.user,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      },
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: PUBLISHER_DEFAULTS.healthPort }),
      readiness: kplus.Probe.fromHttpGet('/readyz', { port: PUBLISHER_DEFAULTS.healthPort }),
    });
    // The root filesystem is read-only; Node and gRPC may still write temporary files.
    const tmp = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: PUBLISHER_DEFAULTS.tmpSizeLimit,
    });
    container.mount(TMP_PATH, tmp);
    this.mountSecret(container, 'NatsAuth', props.bus.clientAuthSecret, CLIENT_AUTH_PATH);
    this.mountSecret(container, 'NatsCa', props.bus.tlsCaSecret, TLS_CA_PATH);

    this.service = this.deployment.exposeViaService({
      name,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      ports: [
        { name: 'http', port: PUBLISHER_DEFAULTS.servicePort, targetPort: PUBLISHER_DEFAULTS.httpPort },
      ],
    });
    new k8s.KubePodDisruptionBudget(this, 'Budget', {
      metadata: { name, namespace: this.namespace },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { ...this.podLabels } },
      },
    });

    for (const watched of workflowNamespaces) {
      this.bindRole(`Workflows-${watched}`, `${name}-workflows`, watched, [
        { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch', 'patch'] },
      ]);
    }
    if (this.leaderElection) {
      this.bindRole('Lease', `${name}-lease`, this.namespace, [
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [this.name],
          verbs: ['get', 'update'],
        },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      ]);
    }
  }

  private environment(
    props: PublisherProps,
    workflowNamespaces: readonly string[],
    delivery: DeliveryMode,
  ): Record<string, kplus.EnvValue> {
    const env: Record<string, kplus.EnvValue> = {};
    const set = (name: string, value: string): void => {
      env[name] = kplus.EnvValue.fromValue(value);
    };

    set(PUBLISHER_ENV.NATS_URL.name, props.bus.clientUrl);
    set(PUBLISHER_ENV.SUBJECT.name, props.subject ?? PUBLISHER_DEFAULTS.subject);
    set(PUBLISHER_ENV.DELIVERY.name, delivery);
    set(PUBLISHER_ENV.ENCODING.name, props.encoding ?? PUBLISHER_DEFAULTS.encoding);
    set(PUBLISHER_ENV.SOURCE.name, props.source ?? PUBLISHER_DEFAULTS.source);
    set(PUBLISHER_ENV.HTTP_PORT.name, String(PUBLISHER_DEFAULTS.httpPort));
    set(PUBLISHER_ENV.HEALTH_PORT.name, String(PUBLISHER_DEFAULTS.healthPort));
    set(PUBLISHER_ENV.LOG_LEVEL.name, props.logLevel ?? PUBLISHER_DEFAULTS.logLevel);
    env[PUBLISHER_ENV.POD_NAME.name] = kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME);

    if (workflowNamespaces.length > 0)
      set(PUBLISHER_ENV.WORKFLOW_NAMESPACES.name, workflowNamespaces.join(','));
    if (this.leaderElection) {
      set(PUBLISHER_ENV.LEADER_ELECTION.name, 'true');
      set(PUBLISHER_ENV.LEASE_NAME.name, this.name);
      set(PUBLISHER_ENV.LEASE_NAMESPACE.name, this.namespace);
    }
    if (props.mlmdAddress !== undefined) set(PUBLISHER_ENV.MLMD_ADDRESS.name, props.mlmdAddress);
    if (props.bus.clientAuthSecret) set(PUBLISHER_ENV.NATS_CLIENT_AUTH_FILE.name, CLIENT_AUTH_PATH);
    if (props.bus.tlsCaSecret) set(PUBLISHER_ENV.NATS_TLS_CA_FILE.name, TLS_CA_PATH);

    return env;
  }

  /** Mounts one key of a Secret read-only as the file `path`. */
  private mountSecret(
    container: kplus.Container,
    id: string,
    secret: SecretKeyReference | undefined,
    path: string,
  ): void {
    if (secret === undefined) return;

    const slash = path.lastIndexOf('/');
    const volume = kplus.Volume.fromSecret(
      this,
      `${id}Volume`,
      kplus.Secret.fromSecretName(this, `${id}Secret`, secret.name),
      {
        name: id.replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`),
        items: { [secret.key]: { path: path.slice(slash + 1) } },
        defaultMode: 0o440,
      },
    );
    container.mount(path.slice(0, slash), volume, { readOnly: true });
  }

  private bindRole(id: string, roleName: string, namespace: string, rules: PolicyRule[]): void {
    new k8s.KubeRole(this, `${id}Role`, { metadata: { name: roleName, namespace }, rules });
    new k8s.KubeRoleBinding(this, `${id}RoleBinding`, {
      metadata: { name: roleName, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
  }
}

function validate(
  scope: Construct,
  props: PublisherProps,
  name: string,
  namespace: string | undefined,
  replicas: number,
  workflowNamespaces: readonly string[],
  delivery: DeliveryMode,
): void {
  const validator = new PropsValidator(scope);

  // The Roles are named `<name>-workflows` and `<name>-lease`.
  validator.dnsLabel('name', name, 63 - '-workflows'.length);
  if (namespace === undefined) {
    validator.fail('namespace', 'is not set and the chart has no namespace: set one of them');
  } else {
    validator.dnsLabel('namespace', namespace);
  }
  if (props.image.trim() === '' || /\s/.test(props.image)) {
    validator.fail('image', `${JSON.stringify(props.image)} is not a container image reference`);
  }
  validator.integer('replicas', replicas, 1);
  workflowNamespaces.forEach((ns, i) => validator.dnsLabel(`workflowNamespaces[${i}]`, ns));
  if (new Set(workflowNamespaces).size !== workflowNamespaces.length) {
    validator.fail('workflowNamespaces', `${JSON.stringify(workflowNamespaces)} lists a namespace twice`);
  }
  if (delivery === DeliveryMode.JETSTREAM && props.bus.kind !== EventBusKind.JETSTREAM) {
    validator.fail(
      'delivery',
      `"jetstream" needs a JetStream bus; the bus "${props.bus.name}" is ${props.bus.kind}`,
    );
  }
  if ((props.bus.clientAuthSecret || props.bus.tlsCaSecret) && namespace !== props.bus.namespace) {
    validator.fail(
      'namespace',
      `"${String(namespace)}" differs from the bus namespace "${props.bus.namespace}", whose client Secrets the publisher mounts: deploy it in the bus namespace`,
    );
  }
  if (props.mlmdAddress !== undefined && !/^[^\s:/]+:[0-9]{1,5}$/.test(props.mlmdAddress)) {
    validator.fail('mlmdAddress', `${JSON.stringify(props.mlmdAddress)} is not host:port`);
  }

  validator.throwIfAny();
}
