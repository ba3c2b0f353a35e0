import type { IncomingHttpHeaders } from 'node:http';
import { HTTP } from 'cloudevents';
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

  return toRunCompletionEvent('structured', headers, body, raw.time, 'data');
}

function parseBinary(headers: IncomingHttpHeaders, body: string): ParsedRequest {
  const header = (name: string): unknown => headers[`${CE_HEADER}${name}`];
  const problems = checkAttributes(header, (name) => `${CE_HEADER}${name}`);
  const json = parseJson(body);
  if (!json.ok) problems.push(...json.problems);
  if (problems.length > 0) return { ok: false, status: 400, problems };

  return toRunCompletionEvent('binary', headers, body, header('time'), '');
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

/** Hands a pre-checked request to the CloudEvents SDK and turns its result into a run-completion event. */
function toRunCompletionEvent(
  form: 'structured' | 'binary',
  headers: IncomingHttpHeaders,
  body: string,
  rawTime: unknown,
  dataField: string,
): ParsedRequest {
  let parsed: ReturnType<typeof HTTP.toEvent>;
  try {
    parsed = HTTP.toEvent({ headers, body });
  } catch (err) {
    return invalid(
      form === 'structured' ? '' : 'content-type',
      `not a CloudEvent: ${(err as Error).message}`,
    );
  }
  if (Array.isArray(parsed)) return invalid('', 'batches are not accepted; send one event per request');

  const ce = parsed as unknown as Record<string, unknown>;
  const problems = dataProblems(ce.data, dataField);
  if (problems.length > 0) return { ok: false, status: 400, problems };

  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(ce)) {
    if (!CORE_ATTRIBUTES.has(name) && value !== undefined)
      extensions[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const event = createRunCompletionEvent({
    source: ce.source as string,
    id: ce.id as string,
    data: ce.data as RunCompletionData,
    ...(typeof rawTime === 'string' ? { time: rawTime } : {}),
    extensions,
  });
  return { ok: true, form, event };
}

/** Checks the attributes the SDK would otherwise fill in (id, time) or not check (type). */
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
