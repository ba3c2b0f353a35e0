import type { IncomingHttpHeaders } from 'node:http';
import { validateRunCompletionData } from '../contract/data-schema.js';
import { STRUCTURED_CONTENT_TYPE } from '../contract/encoding.js';
import {
  createRunCompletionEvent,
  DATA_CONTENT_TYPE,
  RUN_COMPLETION_EVENT_TYPE,
  runCompletionEventId,
  SPEC_VERSION,
  type RunCompletionData,
  type RunCompletionEvent,
} from '../contract/run-completion.js';

/** How an HTTP request carried the event. */
export type HttpEventForm = 'structured' | 'binary' | 'data';

/** One thing wrong with a request, named by where it is. */
export interface RequestProblem {
  /**
   * Where: a dotted path into the JSON body (`data.status`, `status` for plain data), or a header name
   * (`ce-id`, `content-type`).
   */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** The outcome of reading a request: an event, or why there is none. */
export type ParsedRequest =
  | { readonly ok: true; readonly form: HttpEventForm; readonly event: RunCompletionEvent }
  | { readonly ok: false; readonly status: 400 | 415; readonly problems: readonly RequestProblem[] };

/** The CloudEvent attributes this module sets itself; any other attribute is carried as an extension. */
const CORE_ATTRIBUTES = new Set([
  'specversion',
  'type',
  'source',
  'id',
  'time',
  'datacontenttype',
  'dataschema',
  'subject',
  'data',
  'data_base64',
]);
const CE_HEADER = 'ce-';
/**
 * The `content-type` values (compared exactly, as the CloudEvents SDK's HTTP binding does) whose
 * body is read as JSON: a structured event with any other value is refused, and a binary event's
 * data then stays text, which the data schema refuses.
 */
const JSON_BODY_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/cloudevents+json',
  'application/cloudevents+json; charset=utf-8',
]);
/** A CloudEvents 0.3 attribute that a 1.0 event may not carry. */
const SCHEMA_URL = 'schemaurl';
/** A CloudEvents 0.3 attribute: `base64` means `data` is base64 text; any other value is an extension. */
const CONTENT_ENCODING = 'datacontentencoding';
const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/**
 * Reads a run-completion event from a `POST /events` request: a CloudEvent in the HTTP binding
 * (structured or binary) or the plain `data` JSON, whose id is then derived from the data so that a
 * re-sent body gets the same id.
 *
 * @param defaultSource the CloudEvent `source` of plain `data` requests
 */
export function parseEventRequest(
  headers: IncomingHttpHeaders,
  body: string,
  defaultSource: string,
): ParsedRequest {
  const contentType = mediaType(headers['content-type']);
  const binary = headers[`${CE_HEADER}specversion`] !== undefined;

  if (contentType === STRUCTURED_CONTENT_TYPE) return parseStructured(headers, body);
  if (contentType === DATA_CONTENT_TYPE && binary) return parseBinary(headers, body);
  if (contentType === DATA_CONTENT_TYPE) return parsePlainData(body, defaultSource);
  return {
    ok: false,
    status: 415,
    problems: [
      {
        field: 'content-type',
        message:
          `${JSON.stringify(contentType ?? '')} is not supported; send "${STRUCTURED_CONTENT_TYPE}", ` +
          `"${DATA_CONTENT_TYPE}" with ce-* headers (binary), or "${DATA_CONTENT_TYPE}" alone (plain data)` +
          (contentType === BATCH_CONTENT_TYPE ? '; batches are not accepted' : ''),
      },
    ],
  };
}

function parseStructured(headers: IncomingHttpHeaders, body: string): ParsedRequest {
  const json = parseJson(body);
  if (!json.ok) return json;
  if (!isObject(json.value)) return invalid('', 'the body must be a JSON object (a structured CloudEvent)');

  const raw = json.value;
  const problems = checkAttributes(
    (name) => raw[name],
    (name) => name,
  );
  if (raw.data === undefined) problems.push({ field: 'data', message: 'is required' });
  if (raw.datacontenttype !== undefined && raw.datacontenttype !== DATA_CONTENT_TYPE) {
    problems.push({ field: 'datacontenttype', message: `must be "${DATA_CONTENT_TYPE}" when given` });
  }
  if (problems.length > 0) return { ok: false, status: 400, problems };

  if (!JSON_BODY_TYPES.has(headers['content-type'] ?? '')) {
    return invalid('', `not a CloudEvent: invalid content type ${headers['content-type'] ?? ''}`);
  }
  const binaryData =
    isTruthy(raw.data_base64) || raw[CONTENT_ENCODING] === 'base64'
      ? Buffer.from(String(isTruthy(raw.data_base64) ? raw.data_base64 : raw.data), 'base64')
      : undefined;
  const data = binaryData ?? (isTruthy(raw.data) ? raw.data : undefined);
  const attributes = Object.entries(raw).filter(
    ([name, value]) => !(binaryData !== undefined && name === CONTENT_ENCODING && value === 'base64'),
  );
  return toRunCompletionEvent('structured', attributes, data, raw.time, 'data');
}

function parseBinary(headers: IncomingHttpHeaders, body: string): ParsedRequest {
  const header = (name: string): unknown => headers[`${CE_HEADER}${name}`];
  const problems = checkAttributes(header, (name) => `${CE_HEADER}${name}`);
  const json = parseJson(body);
  if (!json.ok) problems.push(...json.problems);
  if (problems.length > 0) return { ok: false, status: 400, problems };

  // A `ce-datacontenttype` header overrides `content-type`, as in the SDK.
  const declaredType = header('datacontenttype') ?? headers['content-type'];
  const attributes: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(CE_HEADER)) continue;
    const attribute = name.slice(CE_HEADER.length);
    const decoded =
      attribute === CONTENT_ENCODING && value === 'base64' && declaredType === DATA_CONTENT_TYPE;
    if (!decoded) attributes.push([attribute, value]);
  }
  const data =
    typeof declaredType === 'string' && JSON_BODY_TYPES.has(declaredType) && json.ok ? json.value : body;
  return toRunCompletionEvent('binary', attributes, data, header('time'), '');
}

function parsePlainData(body: string, source: string): ParsedRequest {
  const json = parseJson(body);
  if (!json.ok) return json;

  const problems = dataProblems(json.value, '');
  if (problems.length > 0) return { ok: false, status: 400, problems };

  const data = json.value as RunCompletionData;
  const id =
    typeof data.runId === 'string' && data.runId !== ''
      ? runCompletionEventId(source, 'run', data.runId)
      : runCompletionEventId(source, 'data', canonicalJson(data));
  return { ok: true, form: 'data', event: createRunCompletionEvent({ source, id, data }) };
}

/**
 * Builds the run-completion event of a request whose required attributes were checked: validates
 * `data` and carries every attribute this module does not set itself as an extension. The request is
 * read as the CloudEvents HTTP binding reads it (the rules the SDK's `HTTP.toEvent` applies), without
 * building the SDK's event objects and errors for every request.
 *
 * @param attributes the attribute names and values: the structured event's members, or the binary
 *   event's `ce-*` headers without the prefix
 */
function toRunCompletionEvent(
  form: 'structured' | 'binary',
  attributes: ReadonlyArray<readonly [string, unknown]>,
  data: unknown,
  rawTime: unknown,
  dataField: string,
): ParsedRequest {
  const values = new Map(attributes);
  if (isTruthy(values.get(SCHEMA_URL))) {
    return invalid(
      form === 'structured' ? '' : 'content-type',
      `not a CloudEvent: cannot set ${SCHEMA_URL} on version 1.0 event`,
    );
  }

  const problems = dataProblems(data, dataField);
  if (problems.length > 0) return { ok: false, status: 400, problems };

  const extensions: Record<string, string> = {};
  for (const [name, value] of attributes) {
    if (!CORE_ATTRIBUTES.has(name) && value !== undefined)
      extensions[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const event = createRunCompletionEvent({
    source: values.get('source') as string,
    id: values.get('id') as string,
    data: data as RunCompletionData,
    ...(typeof rawTime === 'string' ? { time: rawTime } : {}),
    extensions,
  });
  return { ok: true, form, event };
}

/** Checks the attributes the HTTP binding itself leaves unchecked (specversion, type, source, id, time). */
function checkAttributes(get: (name: string) => unknown, field: (name: string) => string): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const required: Array<[string, string | undefined]> = [
    ['specversion', SPEC_VERSION],
    ['type', RUN_COMPLETION_EVENT_TYPE],
    ['source', undefined],
    ['id', undefined],
  ];
  for (const [name, expected] of required) {
    const value = get(name);
    if (typeof value !== 'string' || value === '') {
      problems.push({
        field: field(name),
        message: expected ? `is required and must be "${expected}"` : 'is required',
      });
    } else if (expected !== undefined && value !== expected) {
      problems.push({ field: field(name), message: `must be "${expected}", got ${JSON.stringify(value)}` });
    }
  }
  const time = get('time');
  if (
    time !== undefined &&
    (typeof time !== 'string' || !RFC3339.test(time) || Number.isNaN(Date.parse(time)))
  ) {
    problems.push({
      field: field('time'),
      message: 'must be an RFC 3339 timestamp, e.g. "2026-01-01T00:00:00Z"',
    });
  }
  return problems;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The schema problems of `data`, each named by its dotted path in the request body: `data.status` in a
 * structured event (`prefix` "data"), `status` where the body is the data itself (`prefix` "").
 */
function dataProblems(data: unknown, prefix: string): RequestProblem[] {
  return validateRunCompletionData(data).map((p) => ({
    field: [prefix, ...p.path.split('/')].filter((segment) => segment !== '').join('.'),
    message: p.message,
  }));
}

function parseJson(
  body: string,
): { ok: true; value: unknown } | { ok: false; status: 400; problems: RequestProblem[] } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    return {
      ok: false,
      status: 400,
      problems: [{ field: '', message: `the body is not JSON: ${(err as Error).message}` }],
    };
  }
}

function invalid(field: string, message: string): ParsedRequest {
  return { ok: false, status: 400, problems: [{ field, message }] };
}

function isTruthy(value: unknown): boolean {
  return Boolean(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase();
}

/** JSON with object keys sorted, so equal data always gives the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
