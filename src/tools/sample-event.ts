/**
 * A run-completion event with every optional field set, as the publisher would emit it, and the data
 * Argo's NATS EventSource would hand to Sensors for it: what `check` resolves Sensor paths against.
 */
import {
  createRunCompletionEvent,
  encodeNatsMessage,
  eventSourceEnvelope,
  servingModelArtifactName,
  type RunCompletionEvent,
  type WireEncoding,
} from '../contract/index.js';

const PIPELINE = 'sample-pipeline';
const WORKFLOW = 'sample-pipeline-x7k2p';

/** A succeeded run-completion event carrying every field of the contract. */
export function sampleRunCompletionEvent(): RunCompletionEvent {
  return createRunCompletionEvent({
    source: 'kfp',
    id: '00000000-0000-0000-0000-000000000000',
    data: {
      status: 'succeeded',
      pipelineName: PIPELINE,
      servingModelArtifacts: [
        { name: servingModelArtifactName(PIPELINE, WORKFLOW, 0), location: 'gs://bucket/serving/1700000000' },
      ],
      runId: '3f1c4b9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      runName: WORKFLOW,
      runConfigurationName: 'sample-configuration',
      namespace: 'kubeflow',
      runStartTime: '2026-01-01T00:00:00Z',
      runEndTime: '2026-01-01T00:10:00Z',
      artifacts: [{ name: 'metrics', location: 'gs://bucket/metrics' }],
      provider: 'kfp',
    },
  });
}

/** The event data a NATS EventSource with `jsonBody: true` emits for the sample event. */
export function sampleEventSourceData(encoding: WireEncoding, subject: string): unknown {
  const message = encodeNatsMessage(sampleRunCompletionEvent(), encoding);
  return JSON.parse(
    JSON.stringify(eventSourceEnvelope(subject, message.payload, message.headers, { jsonBody: true })),
  );
}
