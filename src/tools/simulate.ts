/**
 * `simulate`: what the synthesized manifests would do with one run-completion event. The event is put
 * on the bus as the publisher would (in the encoding in use), turned into the message each NATS
 * EventSource would emit, and run through every Sensor's dependencies, filters and trigger parameters.
 */
import {
  PUBLISHER_ENV,
  createRunCompletionEvent,
  decodeNatsMessage,
  encodeNatsMessage,
  eventSourceEnvelope,
  runCompletionEventId,
  validateRunCompletionData,
  type RunCompletionData,
  type RunCompletionEvent,
  type WireEncoding,
} from '../contract/index.js';
import type { ArgoEvent, ArgoEventDependency, ArgoTrigger, ArgoTriggerParameter } from './argo.js';
import { ARGO_TRIGGER_KINDS } from './argo.js';
import { UnsupportedSyntaxError } from './errors.js';
import { filterEvent } from './filters.js';
import { Expression } from './govaluate.js';
import {
  argoObjects,
  eventSourceKey,
  encodingInUse,
  nameOf,
  namespaceOf,
  publisherSetting,
  type Manifest,
} from './manifests.js';
import { TriggerParameterError, applyParameters } from './params.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /**
   * The wire encoding.
   * @default - the publisher Deployment's `KFP_EVENTS_ENCODING`, else `structured`
   */
  readonly encoding?: WireEncoding;
  /**
   * The CloudEvent `source` used when `event` is plain `data`.
   * @default - the publisher Deployment's `KFP_EVENTS_SOURCE`, else `kfp`
   */
  readonly source?: string;
  /**
   * The time Argo stamps on the event it emits (RFC 3339).
   * @default - the event's `time`, else `1970-01-01T00:00:00Z` (kept fixed so output is reproducible)
   */
  readonly time?: string;
}

/** One trigger's outcome. */
export interface SimulatedTrigger {
  readonly name: string;
  /** `log`, `http`, `k8s`, `argoWorkflow`, or the template's other kind. */
  readonly kind: string;
  /** Whether its conditions hold and its parameters resolve. */
  readonly fires: boolean;
  /** Why it does or does not fire. */
  readonly reason: string;
  /** Each `dest` and the value set there (k8s/argoWorkflow `parameters`, http `payload`). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The k8s/argoWorkflow resource with parameters applied, or the http payload. */
  readonly output?: unknown;
}

/** One Sensor's outcome. */
export interface SimulatedSensor {
  readonly namespace: string;
  readonly name: string;
  /** Whether at least one trigger fires. */
  readonly fires: boolean;
  /** Why, naming the dependencies that passed or the filter that stopped the event. */
  readonly reason: string;
  readonly triggers: readonly SimulatedTrigger[];
}

/** The outcome of {@link simulate}. */
export interface SimulationResult {
  readonly encoding: WireEncoding;
  /** The CloudEvent as published. */
  readonly event: RunCompletionEvent;
  /**
   * Where the event's `data` breaks the published schema (`data/<pointer>: <problem>`); the event is
   * simulated anyway, as the bus would carry it.
   */
  readonly warnings: readonly string[];
  /** Every Sensor in the manifests, in manifest order. */
  readonly sensors: readonly SimulatedSensor[];
}

/** Fixed when nothing else is known, so that simulations are reproducible. */
const EPOCH = '1970-01-01T00:00:00Z';

/** The CloudEvent `type` Argo's NATS EventSource stamps on what it emits. */
const NATS_EVENT_TYPE = 'nats';

/** How a reason starts where Argo's behaviour is not reproduced (see {@link UnsupportedSyntaxError}). */
export const CANNOT_SIMULATE = 'cannot simulate';

/** The id of the Argo event wrapping the NATS message (Argo draws a random one; this one is fixed). */
const SIMULATED_ARGO_EVENT_ID = 'simulated';

/** Reports an event (CloudEvent JSON, or its `data` alone) as the manifests would process it. */
export function simulate(
  manifests: readonly Manifest[],
  event: unknown,
  options: SimulateOptions = {},
): SimulationResult {
  const encoding = encodingInUse(manifests, options.encoding);
  const cloudEvent = toCloudEvent(
    event,
    options.source ?? publisherSetting(manifests, PUBLISHER_ENV.SOURCE.name)?.value,
  );
  const subject =
    publisherSetting(manifests, PUBLISHER_ENV.SUBJECT.name)?.value ?? PUBLISHER_ENV.SUBJECT.default;
  return evaluate(manifests, subject, encodeNatsMessage(cloudEvent, encoding), cloudEvent, encoding, options);
}

/** A message as a NATS subscriber received it. */
export interface ReceivedNatsMessage {
  readonly subject: string;
  readonly payload: Uint8Array;
  /** Header names and their values, as the message carried them. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Reports a message taken off the bus (payload and headers exactly as received) as the manifests would
 * process it: the end-to-end counterpart of {@link simulate}, which encodes the event itself.
 */
export function simulateMessage(
  manifests: readonly Manifest[],
  message: ReceivedNatsMessage,
  options: Omit<SimulateOptions, 'encoding' | 'source'> = {},
): SimulationResult {
  const cloudEvent = decodeNatsMessage(message.payload, message.headers);
  const encoding: WireEncoding = Object.keys(message.headers).some(
    (name) => name.toLowerCase() === 'ce-specversion',
  )
    ? 'binary'
    : 'structured';
  return evaluate(manifests, message.subject, message, cloudEvent, encoding, options);
}

function evaluate(
  manifests: readonly Manifest[],
  subject: string,
  message: { readonly payload: Uint8Array; readonly headers: ReceivedNatsMessage['headers'] },
  cloudEvent: RunCompletionEvent,
  encoding: WireEncoding,
  options: Pick<SimulateOptions, 'time'>,
): SimulationResult {
  const time = options.time ?? cloudEvent.time ?? EPOCH;

  const emitted = new Map<string, ArgoEvent>();
  for (const { object } of argoObjects(manifests, 'EventSource')) {
    const spec = object.spec as EventSourceSpec | undefined;
    for (const [eventName, nats] of Object.entries(spec?.nats ?? {})) {
      if (!subjectMatches(nats.subject ?? '', subject)) continue;
      const envelope = eventSourceEnvelope(subject, message.payload, message.headers, {
        jsonBody: nats.jsonBody === true,
        ...(nats.metadata ? { metadata: nats.metadata } : {}),
      });
      emitted.set(eventSourceKey(namespaceOf(object), spec?.eventBusName, nameOf(object), eventName), {
        context: {
          id: SIMULATED_ARGO_EVENT_ID,
          source: nameOf(object),
          specversion: '1.0',
          type: NATS_EVENT_TYPE,
          datacontenttype: 'application/json',
          subject: eventName,
          time,
        },
        data: JSON.parse(JSON.stringify(envelope)) as unknown,
      });
    }
  }

  const sensors = argoObjects(manifests, 'Sensor').map(({ object }) =>
    simulateSensor(namespaceOf(object), nameOf(object), object.spec as SensorSpec | undefined, emitted),
  );
  const warnings = validateRunCompletionData(cloudEvent.data).map(
    (problem) => `data${problem.path}: ${problem.message}`,
  );
  return { encoding, event: cloudEvent, warnings, sensors };
}

/** Turns the input into a CloudEvent: a CloudEvent is kept, plain `data` is wrapped. */
export function toCloudEvent(event: unknown, source: string | undefined): RunCompletionEvent {
  if (event !== null && typeof event === 'object' && 'specversion' in event)
    return event as RunCompletionEvent;
  const data = event as RunCompletionData;
  return createRunCompletionEvent({
    source: source ?? PUBLISHER_ENV.SOURCE.default,
    id: runCompletionEventId('kfp-events-simulate', JSON.stringify(data)),
    data,
  });
}

interface EventSourceSpec {
  readonly eventBusName?: string;
  readonly nats?: Record<
    string,
    { readonly subject?: string; readonly jsonBody?: boolean; readonly metadata?: Record<string, string> }
  >;
}

interface SensorSpec {
  readonly eventBusName?: string;
  readonly dependencies?: readonly ArgoEventDependency[];
  readonly triggers?: readonly ArgoTrigger[];
}

function simulateSensor(
  namespace: string,
  name: string,
  spec: SensorSpec | undefined,
  emitted: ReadonlyMap<string, ArgoEvent>,
): SimulatedSensor {
  const resolved = new Map<string, ArgoEvent>();
  const notes: string[] = [];
  for (const dependency of spec?.dependencies ?? []) {
    const event = emitted.get(
      eventSourceKey(namespace, spec?.eventBusName, dependency.eventSourceName, dependency.eventName),
    );
    const target = `${dependency.eventSourceName}/${dependency.eventName}`;
    if (event === undefined) {
      notes.push(`dependency "${dependency.name}": no event from ${target} on this Sensor's bus`);
      continue;
    }
    let outcome;
    try {
      outcome = filterEvent(dependency, event);
    } catch (err) {
      if (!(err instanceof UnsupportedSyntaxError)) throw err;
      notes.push(`dependency "${dependency.name}": ${CANNOT_SIMULATE}: ${err.message}`);
      continue;
    }
    if (outcome.error !== undefined) {
      notes.push(`dependency "${dependency.name}": event dropped: ${outcome.error}`);
    } else if (!outcome.pass) {
      const why = outcome.failed === undefined ? '' : ` (${outcome.failed})`;
      notes.push(`dependency "${dependency.name}": filters did not pass${why}`);
    } else {
      notes.push(`dependency "${dependency.name}": filters passed`);
      resolved.set(dependency.name, event);
    }
  }

  const dependencyNames = (spec?.dependencies ?? []).map((dependency) => dependency.name);
  const triggers = (spec?.triggers ?? []).map((trigger, index) =>
    simulateTrigger(trigger, index, dependencyNames, resolved),
  );
  const fires = triggers.some((trigger) => trigger.fires);
  const reason = [...notes, ...(notes.length === 0 ? ['no dependencies'] : [])].join('; ');
  return { namespace, name, fires, reason, triggers };
}

function simulateTrigger(
  trigger: ArgoTrigger,
  index: number,
  dependencyNames: readonly string[],
  resolved: ReadonlyMap<string, ArgoEvent>,
): SimulatedTrigger {
  const template = trigger.template;
  const name = template?.name ?? `#${index}`;
  const kind =
    ARGO_TRIGGER_KINDS.find((candidate) => template?.[candidate] !== undefined) ??
    Object.keys(template ?? {}).find(
      (key) => key !== 'name' && key !== 'conditions' && key !== 'conditionsReset',
    ) ??
    'unknown';

  const conditions = template?.conditions;
  let met: boolean;
  try {
    met = conditions
      ? conditionsHold(conditions, dependencyNames, resolved)
      : dependencyNames.length > 0 && dependencyNames.every((dep) => resolved.has(dep));
  } catch (err) {
    if (!(err instanceof UnsupportedSyntaxError)) throw err;
    return { name, kind, fires: false, reason: `${CANNOT_SIMULATE}: ${err.message}`, parameters: {} };
  }
  if (!met) {
    const why = conditions ? `conditions "${conditions}" do not hold` : 'not every dependency resolved';
    return { name, kind, fires: false, reason: why, parameters: {} };
  }

  const { target, parameters } = parameterTarget(template, kind);
  try {
    const { result, values } = applyParameters(target, parameters, resolved);
    return {
      name,
      kind,
      fires: true,
      reason: conditions ? `conditions "${conditions}" hold` : 'every dependency resolved',
      parameters: values,
      ...(result === undefined ? {} : { output: result }),
    };
  } catch (err) {
    if (err instanceof TriggerParameterError) {
      return { name, kind, fires: false, reason: `parameters fail: ${err.message}`, parameters: {} };
    }
    if (err instanceof UnsupportedSyntaxError) {
      return { name, kind, fires: false, reason: `${CANNOT_SIMULATE}: ${err.message}`, parameters: {} };
    }
    throw err;
  }
}

function parameterTarget(
  template: ArgoTrigger['template'],
  kind: string,
): { target: unknown; parameters: readonly ArgoTriggerParameter[] } {
  switch (kind) {
    case 'http':
      return { target: {}, parameters: template?.http?.payload ?? [] };
    case 'k8s':
      return { target: template?.k8s?.source?.resource, parameters: template?.k8s?.parameters ?? [] };
    case 'argoWorkflow':
      return {
        target: template?.argoWorkflow?.source?.resource,
        parameters: template?.argoWorkflow?.parameters ?? [],
      };
    default:
      return { target: undefined, parameters: [] };
  }
}

/** NATS subject matching: `*` is one token, a final `>` is one or more. */
function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const have = subject.split('.');
  for (const [i, token] of want.entries()) {
    if (token === '>' && i === want.length - 1) return have.length > i;
    if (have[i] === undefined || (token !== '*' && token !== have[i])) return false;
  }
  return want.length === have.length;
}

/**
 * Evaluates a trigger's `conditions` over which dependencies resolved. Argo reads `-` in dependency
 * names as `_` (so `dep-a && dep-b` works), and so does this.
 */
function conditionsHold(
  conditions: string,
  dependencyNames: readonly string[],
  resolved: ReadonlyMap<string, ArgoEvent>,
): boolean {
  const parameters = Object.fromEntries(
    dependencyNames.map((dep) => [dep.replaceAll('-', '_'), resolved.has(dep)]),
  );
  return Expression.parse(conditions.replaceAll('-', '_')).evaluate(parameters) === true;
}
