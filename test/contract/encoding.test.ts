import { describe, expect, it } from 'vitest';
import {
  createRunCompletionEvent,
  decodeNatsMessage,
  encodeNatsMessage,
  eventSourceEnvelope,
  runCompletionEventId,
  sensorPaths,
  validateRunCompletionData,
  type RunCompletionData,
  type WireEncoding,
} from 'kfp-events';

const data: RunCompletionData = {
  status: 'succeeded',
  pipelineName: 'penguin-pipeline',
  servingModelArtifacts: [
    { name: 'penguin-pipeline:wf-1:Pusher:pushed_model:0', location: 'gs://models/penguin/1' },
  ],
  runId: 'run-1',
};
const event = createRunCompletionEvent({ source: 'kfp', id: runCompletionEventId('kfp', 'uid-1'), data });

/** A minimal gjson-style lookup of dotted paths (enough for the paths the contract emits). */
function lookup(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
}

describe('run-completion event', () => {
  it('derives the same id from the same parts and a different one otherwise', () => {
    expect(runCompletionEventId('kfp', 'uid-1')).toBe(runCompletionEventId('kfp', 'uid-1'));
    expect(runCompletionEventId('kfp', 'uid-1')).not.toBe(runCompletionEventId('kfp', 'uid-2'));
    expect(runCompletionEventId('a', 'bc')).not.toBe(runCompletionEventId('ab', 'c'));
  });

  it('takes time from runEndTime when not given', () => {
    const ended = createRunCompletionEvent({
      source: 'kfp',
      id: 'x',
      data: { ...data, runEndTime: '2026-01-01T00:00:00Z' },
    });
    expect(ended.time).toBe('2026-01-01T00:00:00Z');
    expect(event).not.toHaveProperty('time');
  });

  it('validates data and names the failing field', () => {
    expect(validateRunCompletionData(data)).toEqual([]);
    expect(validateRunCompletionData({ ...data, status: 'done' })).toEqual([
      { path: '/status', message: 'must be one of "succeeded", "failed"' },
    ]);
    expect(validateRunCompletionData({ status: 'failed', pipelineName: 'p' })).toEqual([
      { path: '/servingModelArtifacts', message: 'is required' },
    ]);
  });
});

describe.each<WireEncoding>(['structured', 'binary'])('%s encoding', (encoding) => {
  const message = encodeNatsMessage(event, encoding);
  const envelope = eventSourceEnvelope('events', message.payload, message.headers, { jsonBody: true });
  const paths = sensorPaths(encoding);

  it('round-trips through NATS', () => {
    expect(decodeNatsMessage(message.payload, message.headers)).toEqual(event);
  });

  it('puts each field where its Sensor path points', () => {
    expect(lookup(envelope, paths.status)).toBe('succeeded');
    expect(lookup(envelope, paths.pipelineName)).toBe('penguin-pipeline');
    expect(lookup(envelope, paths.servingModelLocation(0))).toBe('gs://models/penguin/1');
    expect(lookup(envelope, paths.field('runId'))).toBe('run-1');
  });
});

describe('sensor paths', () => {
  it('differ between the encodings exactly as the design says', () => {
    expect(sensorPaths('structured').status).toBe('body.data.status');
    expect(sensorPaths('binary').status).toBe('body.status');
  });

  it('escape gjson metacharacters in field names', () => {
    expect(sensorPaths('binary').field('a.b')).toBe('body.a\\.b');
  });

  it('refuse attribute paths in the binary encoding', () => {
    expect(sensorPaths('structured').attribute('id')).toBe('body.id');
    expect(() => sensorPaths('binary').attribute('id')).toThrow(/no body path in the binary encoding/);
  });
});
