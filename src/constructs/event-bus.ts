import { Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { EventBus, type EventBusSpec } from '../../imports/argoproj.io.js';
import { PropsValidator } from './validation.js';
import { resolveWorkloadSecurity, type WorkloadSecurityOptions } from './workload-security.js';

/** The kinds of Argo Events EventBus these constructs create. */
export enum EventBusKind {
  /** NATS Streaming (`spec.nats.native`): deprecated upstream, but what the run-completion docs show. */
  NATIVE = 'native',
  /** NATS JetStream (`spec.jetstream`): always TLS and user/password. */
  JETSTREAM = 'jetstream',
}

/** How clients authenticate to a native bus. A JetStream bus always uses TLS plus user/password. */
export enum EventBusAuth {
  /** No authentication. */
  NONE = 'none',
  /** A token, held by Argo Events in the Secret `eventbus-<name>-client`. */
  TOKEN = 'token',
}

/** A reference to one key of a Secret in the namespace of whatever uses it. */
export interface SecretKeyReference {
  /** The Secret's name. */
  readonly name: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/** The facts about an Argo Events EventBus that clients need to connect to it. */
export interface IEventBus extends IConstruct {
  /** The EventBus object's name. */
  readonly name: string;
  /** The namespace the bus runs in. */
  readonly namespace: string;
  /** Native NATS Streaming or JetStream. */
  readonly kind: EventBusKind;
  /** The client authentication of a native bus; `NONE` for JetStream, whose auth is always on. */
  readonly auth: EventBusAuth;
  /** The headless Service Argo Events creates for clients. */
  readonly serviceName: string;
  /** The NATS client port. */
  readonly clientPort: number;
  /** The NATS URL of the bus from anywhere in the cluster. */
  readonly clientUrl: string;
  /**
   * The Secret key (in the bus namespace) holding the client credentials in Argo Events' `client-auth`
   * format; undefined when the bus needs none.
   */
  readonly clientAuthSecret?: SecretKeyReference;
  /** The Secret key (in the bus namespace) holding the CA that signed the bus's TLS certificate, if TLS. */
  readonly tlsCaSecret?: SecretKeyReference;
  /** The labels Argo Events puts on the bus's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Where an EventBus is kept when its pods restart. */
export interface EventBusPersistence {
  /**
   * The StorageClass of the volume claims.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * The size of each replica's volume, as a Kubernetes quantity such as `10Gi`.
   * @default '10Gi'
   */
  readonly volumeSize?: string;
}

/**
 * Options shared by every EventBus these constructs create. The security contexts apply to the bus's
 * pods and to each of its containers (NATS server, metrics exporter and, for JetStream, config reloader).
 */
export interface EventBusOptions extends WorkloadSecurityOptions {
  /**
   * The namespace of the bus.
   * @default - the chart's namespace, which must then be set
   */
  readonly namespace?: string;
  /**
   * NATS Streaming (native) or JetStream.
   * @default EventBusKind.NATIVE
   */
  readonly kind?: EventBusKind;
  /**
   * How many NATS servers run: at least 3 for a native bus; 1, or 3 or more, for JetStream.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Client authentication of a native bus. Must be left unset (or `NONE`) for JetStream, which always
   * uses TLS and user/password.
   * @default EventBusAuth.NONE
   */
  readonly auth?: EventBusAuth;
  /**
   * Persistent volumes for the bus's messages.
   * @default - none: messages live in an emptyDir and are lost when a pod is rescheduled
   */
  readonly persistence?: EventBusPersistence;
  /**
   * The JetStream version, one of those listed in the Argo Events controller config. Only for JetStream.
   * @default '2.10.29'
   */
  readonly jetstreamVersion?: string;
}

/** Props of {@link OperatorEventBus}. */
export interface OperatorEventBusProps extends EventBusOptions {
  /**
   * The EventBus object's name; Argo Events derives its Service names from it.
   * @default 'kfp-operator-events'
   */
  readonly name?: string;
}

/** Attributes of an EventBus deployed elsewhere, for {@link OperatorEventBus.fromBusAttributes}. */
export interface EventBusAttributes {
  /** The EventBus object's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /**
   * Its kind.
   * @default EventBusKind.NATIVE
   */
  readonly kind?: EventBusKind;
  /**
   * Its client authentication (native buses only).
   * @default EventBusAuth.NONE
   */
  readonly auth?: EventBusAuth;
}

/** The defaults of every EventBus, in one place. */
export const EVENT_BUS_DEFAULTS = {
  operatorBusName: 'kfp-operator-events',
  consumerBusName: 'default',
  kind: EventBusKind.NATIVE,
  auth: EventBusAuth.NONE,
  replicas: 3,
  volumeSize: '10Gi',
  jetstreamVersion: '2.10.29',
} as const;

/** The NATS client port of every Argo Events bus. */
export const EVENT_BUS_CLIENT_PORT = 4222;

/** Argo Events names its pods, StatefulSet and Services `eventbus-<name>-…`; the longest suffix is 9. */
const BUS_NAME_MAX_LENGTH = 63 - 'eventbus-'.length - '-stan-svc'.length;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** What identifies a bus; everything else a client needs follows from it (see `eventBusFacts`). */
interface EventBusIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly kind: EventBusKind;
  readonly auth: EventBusAuth;
}

/**
 * The connection facts of a bus, derived once from its identity. Base of the buses synthesized here and
 * of references to buses deployed elsewhere.
 */
abstract class EventBusBase extends Construct implements IEventBus {
  readonly name: string;
  readonly namespace: string;
  readonly kind: EventBusKind;
  readonly auth: EventBusAuth;
  readonly serviceName: string;
  readonly clientPort = EVENT_BUS_CLIENT_PORT;
  readonly clientUrl: string;
  readonly clientAuthSecret?: SecretKeyReference;
  readonly tlsCaSecret?: SecretKeyReference;
  readonly podLabels: Readonly<Record<string, string>>;

  /** @param identify validates the props in the new construct's scope and returns the bus's identity */
  protected constructor(scope: Construct, id: string, identify: (self: Construct) => EventBusIdentity) {
    super(scope, id);

    const { name, namespace, kind, auth } = identify(this);
    const facts = eventBusFacts(name, namespace, kind, auth);
    this.name = name;
    this.namespace = facts.namespace;
    this.kind = kind;
    this.auth = auth;
    this.serviceName = facts.serviceName;
    this.clientUrl = facts.clientUrl;
    this.clientAuthSecret = facts.clientAuthSecret;
    this.tlsCaSecret = facts.tlsCaSecret;
    this.podLabels = facts.podLabels;
  }
}

/**
 * An Argo Events EventBus. Base of {@link OperatorEventBus} and {@link ConsumerEventBus}; it validates the
 * props, synthesizes the object and exposes what clients need to connect.
 */
abstract class ArgoEventBus extends EventBusBase {
  /** The replicas synthesized. */
  readonly replicas: number;
  /** The EventBus object. */
  readonly apiObject: EventBus;

  protected constructor(scope: Construct, id: string, name: string, props: EventBusOptions) {
    const kind = props.kind ?? EVENT_BUS_DEFAULTS.kind;
    const auth = props.auth ?? EVENT_BUS_DEFAULTS.auth;
    const replicas = props.replicas ?? EVENT_BUS_DEFAULTS.replicas;
    super(scope, id, (self) => {
      const namespace = props.namespace ?? chartNamespace(self);
      validateBusProps(self, name, namespace, kind, auth, replicas, props);
      return { name, namespace: namespace as string, kind, auth };
    });

    this.replicas = replicas;
    this.apiObject = new EventBus(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: busSpec(kind, auth, replicas, props),
    });
  }
}

/** The EventBus in the operator namespace that the publisher publishes run completions to. */
export class OperatorEventBus extends ArgoEventBus {
  /** Refers to a bus deployed elsewhere, e.g. by another chart or app. */
  static fromBusAttributes(scope: Construct, id: string, attributes: EventBusAttributes): IEventBus {
    return new ImportedEventBus(scope, id, attributes);
  }

  constructor(scope: Construct, id: string, props: OperatorEventBusProps = {}) {
    super(scope, id, props.name ?? EVENT_BUS_DEFAULTS.operatorBusName, props);
  }
}

/** The EventBus named `default` of a consumer namespace, which its EventSource and Sensors share. */
export class ConsumerEventBus extends ArgoEventBus {
  constructor(scope: Construct, id: string, props: EventBusOptions = {}) {
    super(scope, id, EVENT_BUS_DEFAULTS.consumerBusName, props);
  }
}

class ImportedEventBus extends EventBusBase {
  constructor(scope: Construct, id: string, attributes: EventBusAttributes) {
    super(scope, id, (self) => {
      const kind = attributes.kind ?? EVENT_BUS_DEFAULTS.kind;
      const auth = attributes.auth ?? EVENT_BUS_DEFAULTS.auth;
      const validator = new PropsValidator(self);
      validator.dnsLabel('name', attributes.name, BUS_NAME_MAX_LENGTH);
      validator.dnsLabel('namespace', attributes.namespace);
      if (kind === EventBusKind.JETSTREAM && auth !== EventBusAuth.NONE) {
        validator.fail(
          'auth',
          `"${auth}" is not allowed with a JetStream bus, which always uses user/password`,
        );
      }
      validator.throwIfAny();
      return { name: attributes.name, namespace: attributes.namespace, kind, auth };
    });
  }
}

interface EventBusFacts {
  readonly namespace: string;
  readonly serviceName: string;
  readonly clientUrl: string;
  readonly clientAuthSecret?: SecretKeyReference;
  readonly tlsCaSecret?: SecretKeyReference;
  readonly podLabels: Record<string, string>;
}

/** What Argo Events creates for a bus, by its naming conventions. */
function eventBusFacts(
  name: string,
  namespace: string,
  kind: EventBusKind,
  auth: EventBusAuth,
): EventBusFacts {
  const serviceName =
    kind === EventBusKind.JETSTREAM ? `eventbus-${name}-js-svc` : `eventbus-${name}-stan-svc`;
  const clientUrl = `nats://${serviceName}.${namespace}.svc:${EVENT_BUS_CLIENT_PORT}`;
  const podLabels = { controller: 'eventbus-controller', 'eventbus-name': name };

  if (kind === EventBusKind.JETSTREAM) {
    return {
      namespace,
      serviceName,
      clientUrl,
      podLabels,
      clientAuthSecret: { name: `eventbus-${name}-js-client-auth`, key: 'client-auth' },
      tlsCaSecret: { name: `eventbus-${name}-js-server`, key: 'ca-cert' },
    };
  }
  if (auth === EventBusAuth.TOKEN) {
    return {
      namespace,
      serviceName,
      clientUrl,
      podLabels,
      clientAuthSecret: { name: `eventbus-${name}-client`, key: 'client-auth' },
    };
  }
  return { namespace, serviceName, clientUrl, podLabels };
}

function validateBusProps(
  scope: IConstruct,
  name: string,
  namespace: string | undefined,
  kind: EventBusKind,
  auth: EventBusAuth,
  replicas: number,
  props: EventBusOptions,
): void {
  const validator = new PropsValidator(scope);

  validator.dnsLabel('name', name, BUS_NAME_MAX_LENGTH);
  if (namespace === undefined) {
    validator.fail('namespace', 'is not set and the chart has no namespace: set one of them');
  } else {
    validator.dnsLabel('namespace', namespace);
  }
  validator.integer('replicas', replicas, 1);
  if (kind === EventBusKind.JETSTREAM) {
    if (replicas === 2) {
      validator.fail('replicas', '2 is rejected by Argo Events for JetStream: use 1, or 3 or more');
    }
    if (auth !== EventBusAuth.NONE) {
      validator.fail(
        'auth',
        `"${auth}" is not allowed with JetStream, which always uses TLS and user/password`,
      );
    }
    if (props.jetstreamVersion !== undefined && props.jetstreamVersion.trim() === '') {
      validator.fail(
        'jetstreamVersion',
        'is empty: give a version listed in the Argo Events controller config',
      );
    }
  } else {
    if (Number.isInteger(replicas) && replicas >= 1 && replicas < 3) {
      validator.fail(
        'replicas',
        `${replicas} is too few for a native (NATS Streaming) bus, which clusters with Raft: use 3 or more`,
      );
    }
    if (props.jetstreamVersion !== undefined) {
      validator.fail('jetstreamVersion', `is only allowed with kind "${EventBusKind.JETSTREAM}"`);
    }
  }
  const size = props.persistence?.volumeSize;
  if (size !== undefined && !QUANTITY.test(size)) {
    validator.fail(
      'persistence.volumeSize',
      `${JSON.stringify(size)} is not a Kubernetes quantity such as "10Gi"`,
    );
  }

  validator.throwIfAny();
}

function busSpec(
  kind: EventBusKind,
  auth: EventBusAuth,
  replicas: number,
  props: EventBusOptions,
): EventBusSpec {
  const persistence = props.persistence && {
    ...(props.persistence.storageClassName ? { storageClassName: props.persistence.storageClassName } : {}),
    accessMode: 'ReadWriteOnce',
    volumeSize: props.persistence.volumeSize ?? EVENT_BUS_DEFAULTS.volumeSize,
  };
  const security = resolveWorkloadSecurity(props);
  const container = { securityContext: security.container };

  if (kind === EventBusKind.JETSTREAM) {
    return {
      jetstream: {
        version: props.jetstreamVersion ?? EVENT_BUS_DEFAULTS.jetstreamVersion,
        replicas,
        ...(persistence ? { persistence } : {}),
        securityContext: security.pod,
        containerTemplate: container,
        reloaderContainerTemplate: container,
        metricsContainerTemplate: container,
      },
    };
  }
  return {
    nats: {
      native: {
        replicas,
        auth,
        ...(persistence ? { persistence } : {}),
        securityContext: security.pod,
        containerTemplate: container,
        metricsContainerTemplate: container,
      },
    },
  };
}

/** The namespace of the chart that holds `scope`, if it has one. */
export function chartNamespace(scope: IConstruct): string | undefined {
  return Chart.of(scope).namespace;
}
