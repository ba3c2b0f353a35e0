import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { EventSource, type EventSourceSpecNats } from '../../imports/argoproj.io.js';
import {
  chartNamespace,
  EventBusKind,
  EventBusAuth,
  type IEventBus,
  type SecretKeyReference,
} from './event-bus.js';
import { PropsValidator } from './validation.js';
import { resolveWorkloadSecurity, type WorkloadSecurityOptions } from './workload-security.js';

/** How the EventSource retries connecting to the operator bus. */
export interface ConnectionBackoff {
  /**
   * The wait before the first retry.
   * @default Duration.seconds(10)
   */
  readonly duration?: Duration;
  /**
   * The wait is multiplied by this after each retry.
   * @default 2
   */
  readonly factor?: number;
  /**
   * The random fraction added to each wait.
   * @default 0.2
   */
  readonly jitter?: number;
  /**
   * How many retries before the EventSource gives up (and its pod restarts).
   * @default 5
   */
  readonly steps?: number;
}

/** Credentials the EventSource presents to the operator bus, as Secret keys in its own namespace. */
export interface EventSourceAuth {
  /**
   * A token (for a native bus with token auth).
   * @default - no token
   */
  readonly token?: SecretKeyReference;
  /**
   * A user and password (for a JetStream bus).
   * @default - no user/password
   */
  readonly basic?: EventSourceBasicAuth;
}

/** A user and password, as Secret keys. */
export interface EventSourceBasicAuth {
  /** The user name. */
  readonly username: SecretKeyReference;
  /** The password. */
  readonly password: SecretKeyReference;
}

/** TLS towards the operator bus, as Secret keys in the EventSource's namespace. */
export interface EventSourceTls {
  /** The CA certificate that signed the bus's certificate. */
  readonly caCertSecret: SecretKeyReference;
}

/** The identity of an EventSource that Sensors depend on. */
export interface IRunCompletionEventSource {
  /** The EventSource object's name. */
  readonly eventSourceName: string;
  /** The name of the event inside its spec. */
  readonly eventName: string;
}

/** Props of {@link RunCompletionEventSource}; the security contexts apply to its pod and container. */
export interface RunCompletionEventSourceProps extends WorkloadSecurityOptions {
  /** The operator bus the publisher publishes to; the EventSource subscribes to it. */
  readonly operatorBus: IEventBus;
  /**
   * The EventSource object's name.
   * @default 'run-completion'
   */
  readonly name?: string;
  /**
   * The name of the event inside the spec, which Sensor dependencies refer to.
   * @default 'run-completion'
   */
  readonly eventName?: string;
  /**
   * The namespace of the EventSource.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The NATS subject the publisher publishes on.
   * @default 'events'
   */
  readonly subject?: string;
  /**
   * How connecting to the operator bus is retried.
   * @default - 10s, factor 2, jitter 0.2, 5 steps
   */
  readonly connectionBackoff?: ConnectionBackoff;
  /**
   * Credentials for the operator bus; required when the bus uses token auth or is JetStream.
   * @default - none
   */
  readonly auth?: EventSourceAuth;
  /**
   * TLS towards the operator bus; required when the bus is JetStream.
   * @default - plain TCP
   */
  readonly tls?: EventSourceTls;
  /**
   * The EventBus (in this namespace) the EventSource writes events to.
   * @default 'default'
   */
  readonly eventBusName?: string;
}

/** The label Argo Events puts on every EventSource pod it creates (with `eventsource-name: <name>`). */
export const EVENT_SOURCE_POD_SELECTOR_LABELS: Readonly<Record<string, string>> = Object.freeze({
  controller: 'eventsource-controller',
});

/** The defaults of {@link RunCompletionEventSource}, in one place. */
export const EVENT_SOURCE_DEFAULTS = {
  name: 'run-completion',
  eventName: 'run-completion',
  subject: 'events',
  eventBusName: 'default',
  backoffDuration: Duration.seconds(10),
  backoffFactor: 2,
  backoffJitter: 0.2,
  backoffSteps: 5,
} as const;

/**
 * An Argo Events NATS EventSource that subscribes to the operator bus and hands each run-completion
 * event to the consumer namespace's EventBus. `jsonBody` is always on, so Sensors can filter on
 * `body.…` paths. It is a core NATS subscriber: events published while its pod is down are not seen.
 */
export class RunCompletionEventSource extends Construct implements IRunCompletionEventSource {
  readonly eventSourceName: string;
  readonly eventName: string;
  /** The labels Argo Events puts on the EventSource's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The EventSource object. */
  readonly apiObject: EventSource;

  constructor(scope: Construct, id: string, props: RunCompletionEventSourceProps) {
    super(scope, id);

    const name = props.name ?? EVENT_SOURCE_DEFAULTS.name;
    const eventName = props.eventName ?? EVENT_SOURCE_DEFAULTS.eventName;
    const subject = props.subject ?? EVENT_SOURCE_DEFAULTS.subject;
    const eventBusName = props.eventBusName ?? EVENT_SOURCE_DEFAULTS.eventBusName;
    const backoff = {
      duration: props.connectionBackoff?.duration ?? EVENT_SOURCE_DEFAULTS.backoffDuration,
      factor: props.connectionBackoff?.factor ?? EVENT_SOURCE_DEFAULTS.backoffFactor,
      jitter: props.connectionBackoff?.jitter ?? EVENT_SOURCE_DEFAULTS.backoffJitter,
      steps: props.connectionBackoff?.steps ?? EVENT_SOURCE_DEFAULTS.backoffSteps,
    };
    const namespace = props.namespace ?? chartNamespace(this);
    validate(this, { ...props, name, namespace, eventName, subject, eventBusName }, backoff);

    this.eventSourceName = name;
    this.eventName = eventName;
    this.podLabels = { ...EVENT_SOURCE_POD_SELECTOR_LABELS, 'eventsource-name': name };

    const nats: EventSourceSpecNats = {
      url: props.operatorBus.clientUrl,
      subject,
      jsonBody: true,
      connectionBackoff: {
        duration: formatDuration(backoff.duration),
        factor: backoff.factor,
        jitter: backoff.jitter,
        steps: backoff.steps,
      },
      ...(props.auth ? { auth: props.auth } : {}),
      ...(props.tls ? { tls: { caCertSecret: props.tls.caCertSecret } } : {}),
    };
    const security = resolveWorkloadSecurity(props);
    this.apiObject = new EventSource(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        eventBusName,
        template: { securityContext: security.pod, container: { securityContext: security.container } },
        nats: { [eventName]: nats },
      },
    });
  }
}

function validate(
  scope: Construct,
  props: RunCompletionEventSourceProps & {
    name: string;
    eventName: string;
    subject: string;
    eventBusName: string;
  },
  backoff: Required<ConnectionBackoff>,
): void {
  const validator = new PropsValidator(scope);

  validator.dnsLabel('name', props.name);
  if (props.namespace === undefined) {
    validator.fail('namespace', 'is not set and the chart has no namespace: set one of them');
  } else {
    validator.dnsLabel('namespace', props.namespace);
  }
  validator.dnsLabel('eventName', props.eventName);
  validator.dnsLabel('eventBusName', props.eventBusName);
  if (!/^[^\s*>]+$/.test(props.subject)) {
    validator.fail(
      'subject',
      `${JSON.stringify(props.subject)} must be a NATS subject without wildcards or spaces`,
    );
  }
  if (backoff.duration.toMilliseconds() < 1) {
    validator.fail('connectionBackoff.duration', 'must be at least 1ms');
  }
  validator.number('connectionBackoff.factor', backoff.factor, 1);
  validator.number('connectionBackoff.jitter', backoff.jitter, 0, 1);
  validator.integer('connectionBackoff.steps', backoff.steps, 1);
  if (props.auth?.token && props.auth.basic) {
    validator.fail('auth', 'give either token or basic, not both');
  }

  const bus = props.operatorBus;
  if (bus.kind === EventBusKind.JETSTREAM) {
    if (!props.auth?.basic) {
      validator.fail('auth.basic', `is required: the JetStream bus "${bus.name}" always uses user/password`);
    }
    if (!props.tls) validator.fail('tls', `is required: the JetStream bus "${bus.name}" always uses TLS`);
  } else if (bus.auth === EventBusAuth.TOKEN && !props.auth?.token) {
    validator.fail('auth.token', `is required: the bus "${bus.name}" uses token auth`);
  }

  validator.throwIfAny();
}

/** Formats a duration the way Go's `time.ParseDuration` reads it, e.g. `10s`, `1m30s`, `250ms`. */
export function formatDuration(duration: Duration): string {
  const millis = duration.toMilliseconds();
  if (millis % 1000 !== 0) return `${millis}ms`;
  const seconds = millis / 1000;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [
    hours ? `${hours}h` : '',
    minutes ? `${minutes}m` : '',
    rest || seconds === 0 ? `${rest}s` : '',
  ];
  return parts.join('');
}
