import {
  DATA_CONTENT_TYPE,
  RUN_COMPLETION_EVENT_TYPE,
  SPEC_VERSION,
  type RunCompletionData,
  type RunCompletionEvent,
} from './run-completion.js';

/**
 * How a run-completion event is put on NATS.
 *
 * - `structured`: the payload is the whole CloudEvent as JSON, with header
 *   `content-type: application/cloudevents+json`.
 * - `binary`: the payload is `data` alone; the attributes travel as `ce-*` headers.
 */
export type WireEncoding = 'structured' | 'binary';

/** Every wire encoding, for validation and documentation. */
export const WIRE_ENCODINGS: readonly WireEncoding[] = ['structured', 'binary'];

/** The encoding used where none is chosen. */
export const DEFAULT_WIRE_ENCODING: WireEncoding = 'structured';

/** The media type of a structured CloudEvent. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

/** A NATS message: payload bytes and headers (names lower-case, one value each). */
export interface NatsWireMessage {
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

const CE_HEADER_PREFIX = 'ce-';

/** Encodes an event for NATS. */
export function encodeNatsMessage(event: RunCompletionEvent, encoding: WireEncoding): NatsWireMessage {
  if (encoding === 'structured') {
    return {
      payload: Buffer.from(JSON.stringify(event)),
      headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
    };
  }
  const headers: Record<string, string> = { 'content-type': DATA_CONTENT_TYPE };
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || value === undefined) continue;
    headers[`${CE_HEADER_PREFIX}${name}`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { payload: Buffer.from(JSON.stringify(event.data)), headers };
}

/** The error thrown when a NATS message is not a run-completion event in either encoding. */
export class WireDecodeError extends Error {
  override readonly name = 'WireDecodeError';
}

/**
 * Decodes a NATS message written by {@link encodeNatsMessage}. Header names are matched without regard
 * to case. The data is not validated against the schema here; see `validateRunCompletionData`.
 */
export function decodeNatsMessage(
  payload: Uint8Array,
  headers: Readonly<Record<string, string | readonly string[]>>,
): RunCompletionEvent {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    lower.set(name.toLowerCase(), Array.isArray(value) ? String(value[0]) : String(value));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (err) {
    throw new WireDecodeError(`payload is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WireDecodeError('payload is not a JSON object');
  }
  if (lower.has(`${CE_HEADER_PREFIX}specversion`)) {
    const attributes: Record<string, string> = {};
    for (const [name, value] of lower) {
      if (name.startsWith(CE_HEADER_PREFIX)) attributes[name.slice(CE_HEADER_PREFIX.length)] = value;
    }
    return {
      ...attributes,
      datacontenttype: DATA_CONTENT_TYPE,
      data: parsed as RunCompletionData,
    } as RunCompletionEvent;
  }
  const event = parsed as Partial<RunCompletionEvent>;
  if (event.specversion !== SPEC_VERSION || event.type !== RUN_COMPLETION_EVENT_TYPE) {
    throw new WireDecodeError(
      `payload is not a structured run-completion CloudEvent (specversion ${JSON.stringify(event.specversion)}, ` +
        `type ${JSON.stringify(event.type)}) and carries no ce-specversion header`,
    );
  }
  return event as RunCompletionEvent;
}

/**
 * What Argo Events' NATS EventSource hands to the EventBus for one message; Sensor filter paths and
 * trigger parameter keys are gjson paths into this object.
 */
export interface EventSourceEnvelope {
  readonly subject: string;
  /** The payload parsed as JSON with `jsonBody: true`, else the payload bytes in base64. */
  readonly body: unknown;
  /** NATS headers, each a list of values. */
  readonly header: Readonly<Record<string, readonly string[]>>;
  /** The EventSource's user metadata. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Options of {@link eventSourceEnvelope}. */
export interface EventSourceEnvelopeOptions {
  /** Whether the EventSource sets `jsonBody: true`. */
  readonly jsonBody: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Builds the envelope Argo Events' NATS EventSource would emit for a message. */
export function eventSourceEnvelope(
  subject: string,
  payload: Uint8Array,
  headers: Readonly<Record<string, string | readonly string[]>>,
  options: EventSourceEnvelopeOptions,
): EventSourceEnvelope {
  const header: Record<string, readonly string[]> = {};
  for (const [name, value] of Object.entries(headers))
    header[name] = typeof value === 'string' ? [value] : [...value];
  const bytes = Buffer.from(payload);
  const body: unknown = options.jsonBody ? JSON.parse(bytes.toString('utf8')) : bytes.toString('base64');
  return { subject, body, header, ...(options.metadata ? { metadata: options.metadata } : {}) };
}

/**
 * The gjson paths at which a Sensor finds the fields of a run-completion event, for one encoding.
 * Every filter path and parameter key in this project comes from here.
 */
export interface SensorPaths {
  readonly encoding: WireEncoding;
  /** Path of the `data` object itself. */
  readonly data: string;
  /** Path of `data.status`. */
  readonly status: string;
  /** Path of `data.pipelineName`. */
  readonly pipelineName: string;
  /** Path of `data.namespace`. */
  readonly namespace: string;
  /** Path of any top-level field of `data` (dots in the name are escaped). */
  field(name: string): string;
  /** Path of the `index`-th serving model's `location`. */
  servingModelLocation(index: number): string;
  /** Path of the `index`-th serving model's `name`. */
  servingModelName(index: number): string;
  /**
   * Path of a CloudEvent attribute (`id`, `source`, `time`, …). Only the structured encoding carries
   * attributes in the body; in binary mode they travel as NATS headers, whose key case Argo Events
   * does not guarantee, so this throws.
   */
  attribute(name: string): string;
}

/** Returns the Sensor paths for an encoding. */
export function sensorPaths(encoding: WireEncoding): SensorPaths {
  const data = encoding === 'structured' ? 'body.data' : 'body';
  const field = (name: string): string => `${data}.${escapeGjsonKey(name)}`;
  return {
    encoding,
    data,
    status: field('status'),
    pipelineName: field('pipelineName'),
    namespace: field('namespace'),
    field,
    servingModelLocation: (index) => `${field('servingModelArtifacts')}.${checkIndex(index)}.location`,
    servingModelName: (index) => `${field('servingModelArtifacts')}.${checkIndex(index)}.name`,
    attribute: (name) => {
      if (encoding !== 'structured') {
        throw new Error(
          `CloudEvent attribute "${name}" has no body path in the binary encoding; use the structured encoding`,
        );
      }
      return `body.${escapeGjsonKey(name)}`;
    },
  };
}

/** Escapes one key for use as a gjson (and sjson) path segment. */
export function escapeGjsonKey(key: string): string {
  return key.replace(/[\\.*?|#@!=<>%:^~]/g, (c) => `\\${c}`);
}

function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`index must be a non-negative integer, got ${index}`);
  return index;
}
