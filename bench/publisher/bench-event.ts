import {
  createRunCompletionEvent,
  encodeNatsMessage,
  STRUCTURED_CONTENT_TYPE,
  type NatsWireMessage,
  type RunCompletionEvent,
} from 'kfp-events';

/** The CloudEvent source of bench events. */
export const BENCH_SOURCE = 'kfp-events-bench';

/**
 * Extra `data` fields (the contract allows additions) that let the subscriber tell runs apart and
 * measure delivery latency: the run's tag, and the wall-clock millis the event was sent at.
 */
export interface BenchStamp {
  readonly benchRun: string;
  readonly benchSentAt: number;
}

/** A realistic run-completion event carrying a {@link BenchStamp}; unique per run tag and sequence. */
export function benchEvent(runTag: string, seq: number, sentAt: number): RunCompletionEvent {
  const pipelineName = `pipeline-${String(seq % 5_000).padStart(5, '0')}`;
  const workflow = `${pipelineName}-${runTag}-${seq}`;
  return createRunCompletionEvent({
    source: BENCH_SOURCE,
    id: `${runTag}-${seq}`,
    data: {
      status: seq % 10 === 0 ? 'failed' : 'succeeded',
      pipelineName,
      servingModelArtifacts: [
        {
          name: `${pipelineName}:${workflow}:Pusher:pushed_model:0`,
          location: `gs://kfp-bench-models/${pipelineName}/serving/${1_700_000_000 + seq}`,
        },
      ],
      runId: `${runTag}-run-${seq}`,
      runName: workflow,
      namespace: 'kubeflow',
      runEndTime: '2026-12-04T16:00:00Z',
      provider: 'kfp',
      benchRun: runTag,
      benchSentAt: sentAt,
    },
  });
}

/** The content type of a structured CloudEvent POSTed over HTTP. */
export const BENCH_HTTP_CONTENT_TYPE = STRUCTURED_CONTENT_TYPE;

/** The NATS message the publisher would put on the bus for an event (structured encoding). */
export function benchNatsMessage(event: RunCompletionEvent): NatsWireMessage {
  return encodeNatsMessage(event, 'structured');
}

/** Reads the stamp back from an event's JSON, or undefined when it carries none. */
export function readStamp(event: unknown): BenchStamp | undefined {
  const data = (event as { data?: Partial<BenchStamp> } | null)?.data;
  if (typeof data?.benchRun !== 'string' || typeof data.benchSentAt !== 'number') return undefined;
  return { benchRun: data.benchRun, benchSentAt: data.benchSentAt };
}
