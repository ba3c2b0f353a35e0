import { createHash } from 'node:crypto';

/** The CloudEvents spec version every run-completion event carries. */
export const SPEC_VERSION = '1.0';

/** The CloudEvent `type` of a run-completion event. */
export const RUN_COMPLETION_EVENT_TYPE = 'org.kubeflow.pipelines.run-completion';

/** The media type of the `data` of a run-completion event. */
export const DATA_CONTENT_TYPE = 'application/json';

/** The version of the `data` JSON Schema (semantic: a new optional field is a minor step). */
export const DATA_SCHEMA_VERSION = '1.0';

/** The CloudEvent `dataschema` attribute: names the `data` JSON Schema and its version. */
export const DATA_SCHEMA_URI = `urn:kfp-events:schema:run-completion-data:${DATA_SCHEMA_VERSION}`;

/** The two ways a run ends, as the event reports them. */
export const RUN_COMPLETION_STATUSES = ['succeeded', 'failed'] as const;

/** How a run ended. */
export type RunCompletionStatus = (typeof RUN_COMPLETION_STATUSES)[number];

/** A model that a run pushed for serving. */
export interface ServingModelArtifact {
  /** `<pipeline>:<workflow>:Pusher:pushed_model:<index>`. */
  readonly name: string;
  /** Where the model is stored, e.g. `gs://bucket/serving/1700000000`. */
  readonly location: string;
}

/** Any other artifact of a run. */
export interface RunArtifact {
  readonly name: string;
  readonly location: string;
}

/**
 * The `data` of a run-completion event. Producers may add fields but never rename or drop these;
 * see `schemas/run-completion-data.schema.json` for the published schema.
 */
export interface RunCompletionData {
  readonly status: RunCompletionStatus;
  readonly pipelineName: string;
  readonly servingModelArtifacts: readonly ServingModelArtifact[];
  readonly runId?: string;
  readonly runName?: string;
  readonly runConfigurationName?: string;
  readonly namespace?: string;
  /** RFC 3339. */
  readonly runStartTime?: string;
  /** RFC 3339. */
  readonly runEndTime?: string;
  readonly artifacts?: readonly RunArtifact[];
  readonly provider?: string;
  readonly [extra: string]: unknown;
}

/** A run-completion CloudEvent in its structured (JSON) form. */
export interface RunCompletionEvent {
  readonly specversion: typeof SPEC_VERSION;
  readonly type: typeof RUN_COMPLETION_EVENT_TYPE;
  readonly source: string;
  readonly id: string;
  readonly datacontenttype: typeof DATA_CONTENT_TYPE;
  readonly dataschema: string;
  /** When the run finished (RFC 3339), where known. */
  readonly time?: string;
  /** Further CloudEvent extension attributes given by the producer. */
  readonly [extension: string]: unknown;
  readonly data: RunCompletionData;
}

/** Input of {@link createRunCompletionEvent}. */
export interface RunCompletionEventOptions {
  /** The CloudEvent `source`: the provider's name, e.g. `kfp`. */
  readonly source: string;
  /**
   * The event id. Must be the same each time the same completion is sent, so that consumers can
   * de-duplicate; use {@link runCompletionEventId} to derive one.
   */
  readonly id: string;
  readonly data: RunCompletionData;
  /**
   * When the run finished (RFC 3339).
   * @default - `data.runEndTime` when set, otherwise no `time` attribute
   */
  readonly time?: string;
  /** Extension attributes to carry along (lower-case alphanumeric names, as CloudEvents requires). */
  readonly extensions?: Readonly<Record<string, string>>;
}

/** Builds a run-completion CloudEvent. */
export function createRunCompletionEvent(options: RunCompletionEventOptions): RunCompletionEvent {
  const time = options.time ?? options.data.runEndTime;
  return {
    ...options.extensions,
    specversion: SPEC_VERSION,
    type: RUN_COMPLETION_EVENT_TYPE,
    source: options.source,
    id: options.id,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: DATA_SCHEMA_URI,
    ...(time === undefined ? {} : { time }),
    data: options.data,
  };
}

/**
 * Derives a stable event id for one run's completion from what identifies it (e.g. the provider and
 * the workflow uid). The same parts always give the same id; the id is a UUID-shaped hex string.
 */
export function runCompletionEventId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The name of the `index`-th model a TFX Pusher pushed, as consumers expect it:
 * `<pipeline>:<workflow>:Pusher:pushed_model:<index>`.
 */
export function servingModelArtifactName(pipelineName: string, workflowName: string, index: number): string {
  return `${pipelineName}:${workflowName}:Pusher:pushed_model:${index}`;
}
