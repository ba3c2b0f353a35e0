import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunCompletionEvent, runCompletionEventId, PUBLISHER_ENV } from 'kfp-events';
import { run } from '../../src/publisher/replay-cli.js';
import type { NatsEventPublisher } from '../../src/publisher/sink.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { collect, sampleData, startSink, until } from './support.js';

/** Runs `kfp-events replay` in-process; returns the exit code and what it printed. */
async function replay(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('kfp-events replay', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let sink: NatsEventPublisher;
  let env: Record<string, string>;
  let midpoint: Date;
  const ids = [1, 2, 3, 4, 5].map((i) => runCompletionEventId('kfp', `run-${i}`));

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    nc = await connect({ servers: server.url });
    env = { [PUBLISHER_ENV.NATS_URL.name]: server.url };
    sink = startSink(server, { delivery: 'jetstream', stream: 'kfp-events' });
    await sink.whenConnected();
    for (const [i, id] of ids.entries()) {
      if (i === 2) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        midpoint = new Date();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sink.publish(
        createRunCompletionEvent({ source: 'kfp', id, data: sampleData({ runId: `run-${i + 1}` }) }),
      );
    }
  });
  afterAll(async () => {
    await sink?.close(1_000);
    await nc?.close();
    await server?.dispose();
  });

  it('re-publishes a sequence range to a subject with headers and payload unchanged', async () => {
    const seen = await collect(nc, 'replayed');

    const result = await replay(['--from-seq', '2', '--to-seq', '4', '--subject', 'replayed'], env);

    expect(result).toEqual({
      code: 0,
      stdout: 'replayed 3 event(s) from stream kfp-events to subject replayed (stream sequences 2..4)\n',
      stderr: '',
    });
    await until(() => seen.length === 3, 'three replayed messages');
    expect(seen.map((m) => m.headers['Nats-Msg-Id'])).toEqual(ids.slice(1, 4));
    expect(seen.map((m) => m.headers['content-type'])).toEqual(Array(3).fill('application/cloudevents+json'));
    const stored = await (await nc.jetstreamManager()).streams.getMessage('kfp-events', { seq: 2 });
    expect(seen[0]?.payload).toBe(stored.string());
  });

  it('re-publishes everything stored since a time, up to the last message when it started', async () => {
    const seen = await collect(nc, 'events');

    const result = await replay(['--since', midpoint.toISOString()], env);

    expect(result.stdout).toBe(
      'replayed 3 event(s) from stream kfp-events to subject events (stream sequences 3..5)\n',
    );
    await until(() => seen.length === 3, 'three replayed messages');
    expect(seen.map((m) => m.headers['Nats-Msg-Id'])).toEqual(ids.slice(2));
    // The stream captures its own subject: the ids are inside the duplicate window, so it stores nothing new.
    expect((await (await nc.jetstreamManager()).streams.info('kfp-events')).state.messages).toBe(5);
  });

  it('replays nothing when the range starts after the last message', async () => {
    const result = await replay(['--from-seq', '99'], env);

    expect(result.stdout).toBe('replayed 0 event(s) from stream kfp-events to subject events\n');
  });

  it('exits 2 with the usage when neither or both of --since and --from-seq are given', async () => {
    const neither = await replay([], env);
    const both = await replay(['--since', '2026-01-01T00:00:00Z', '--from-seq', '1'], env);
    const badSeq = await replay(['--from-seq', '0'], env);

    expect([neither.code, both.code, badSeq.code]).toEqual([2, 2, 2]);
    expect(neither.stderr).toMatch(
      /^kfp-events replay: give exactly one of --since and --from-seq\n\nUsage:/,
    );
    expect(badSeq.stderr).toMatch(/^kfp-events replay: --from-seq "0" is not a positive integer/);
  });

  it('exits 1 naming a stream that does not exist', async () => {
    const result = await replay(['--from-seq', '1', '--stream', 'nope'], env);

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'kfp-events replay: stream "nope" does not exist\n',
    });
  });
});
