import { readdirSync, readFileSync } from 'node:fs';
import { connect, type NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRunCompletionEvent,
  decodeNatsMessage,
  runCompletionEventId,
  type RunCompletionEvent,
} from 'kfp-events';
import { createLogger } from '../../src/publisher/log.js';
import { PublisherMetrics } from '../../src/publisher/metrics.js';
import {
  BusUnavailableError,
  PublishTimeoutError,
  type NatsEventPublisher,
} from '../../src/publisher/sink.js';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.js';
import { collect, sampleData, startSink, until } from './support.js';

/** Whether every thread of a process is stopped (Linux state `T`), as SIGSTOP leaves it in time. */
function stopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'T';
  });
}

function event(runId: string): RunCompletionEvent {
  return createRunCompletionEvent({
    source: 'kfp',
    id: runCompletionEventId('kfp', runId),
    data: sampleData({ runId }),
  });
}

describe('NatsEventPublisher', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  const track = <T extends { close(ms: number): Promise<void> } | NatsServer | NatsConnection>(
    thing: T,
  ): T => {
    if ('dispose' in thing) cleanups.push(() => thing.dispose());
    else if ('drain' in thing) cleanups.push(() => thing.close());
    else cleanups.push(() => thing.close(1_000));
    return thing;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('publishes in core mode and resolves only after the flush, with the structured encoding on the wire', async () => {
    const server = track(await startNatsServer());
    const nc = track(await connect({ servers: server.url }));
    const seen = await collect(nc, 'events');
    const metrics = new PublisherMetrics();
    const sink = track(startSink(server, { metrics }));
    await sink.whenConnected();

    await sink.publish(event('run-1'));

    await until(() => seen.length === 1, 'the message');
    expect(seen[0]?.headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    expect(decodeNatsMessage(Buffer.from(seen[0]?.payload ?? ''), seen[0]?.headers ?? {})).toEqual(
      event('run-1'),
    );
    expect((await metrics.busConnected.get()).values[0]?.value).toBe(1);
    expect(
      (await metrics.publishLatency.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value,
    ).toBe(1);
  });

  it('confirms many concurrent core publishes only once the server has routed every one of them', async () => {
    const server = track(await startNatsServer());
    const nc = track(await connect({ servers: server.url }));
    const seen = await collect(nc, 'events');
    const sink = track(startSink(server));
    await sink.whenConnected();
    const runIds = Array.from({ length: 200 }, (_, i) => `run-many-${i}`);

    await Promise.all(runIds.map((runId) => sink.publish(event(runId))));

    // The server routed each message before answering the sink's PING; this PING on the subscriber's
    // connection is answered after those messages were written to it, so none may still be missing.
    await nc.flush();
    const ids = seen.map((m) => (JSON.parse(m.payload) as { id: string }).id);
    expect(new Set(ids)).toEqual(new Set(runIds.map((runId) => runCompletionEventId('kfp', runId))));
    expect(ids).toHaveLength(200);
  });

  it('rejects every concurrent core publish whose shared flush the server does not answer in time', async () => {
    const server = track(await startNatsServer());
    const sink = track(startSink(server, { publishTimeoutMs: 300 }));
    await sink.whenConnected();
    const pid = server.pid ?? 0;

    process.kill(pid, 'SIGSTOP');
    try {
      await until(() => stopped(pid), 'every thread of the server to stop');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => sink.publish(event(`run-stalled-${i}`))),
      );

      expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 20 }, () => 'rejected'));
      for (const [i, outcome] of outcomes.entries()) {
        const reason = (outcome as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(PublishTimeoutError);
        expect(reason.message).toBe(
          `NATS did not confirm event ${runCompletionEventId('kfp', `run-stalled-${i}`)} within 300 ms`,
        );
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('puts the attributes into ce-* headers and data alone into the payload in binary mode', async () => {
    const server = track(await startNatsServer());
    const nc = track(await connect({ servers: server.url }));
    const seen = await collect(nc, 'events');
    const sink = track(startSink(server, { encoding: 'binary' }));
    await sink.whenConnected();

    await sink.publish(event('run-2'));

    await until(() => seen.length === 1, 'the message');
    expect(seen[0]?.headers).toMatchObject({
      'ce-id': runCompletionEventId('kfp', 'run-2'),
      'ce-source': 'kfp',
      'ce-type': 'org.kubeflow.pipelines.run-completion',
      'ce-specversion': '1.0',
      'content-type': 'application/json',
    });
    expect(JSON.parse(seen[0]?.payload ?? '')).toEqual(sampleData({ runId: 'run-2' }));
  });

  it('creates the JetStream stream and stores an event published twice only once', async () => {
    const server = track(await startNatsServer({ jetstream: true }));
    const sink = track(
      startSink(server, { delivery: 'jetstream', stream: 'runs', duplicateWindowMs: 60_000 }),
    );
    await sink.whenConnected();

    await sink.publish(event('run-3'));
    await sink.publish(event('run-3'));
    await sink.publish(event('run-4'));

    const nc = track(await connect({ servers: server.url }));
    const info = await (await nc.jetstreamManager()).streams.info('runs');
    expect(info.config.subjects).toEqual(['events']);
    expect(info.config.duplicate_window).toBe(60_000 * 1_000_000);
    expect(info.state.messages).toBe(2);
    const stored = await (await nc.jetstreamManager()).streams.getMessage('runs', { seq: 1 });
    expect(stored.header.get('Nats-Msg-Id')).toBe(runCompletionEventId('kfp', 'run-3'));
  });

  it('updates an existing stream to hold the subject without dropping its other subjects', async () => {
    const server = track(await startNatsServer({ jetstream: true }));
    const nc = track(await connect({ servers: server.url }));
    await (await nc.jetstreamManager()).streams.add({ name: 'runs', subjects: ['other'] });
    const sink = track(startSink(server, { delivery: 'jetstream', stream: 'runs' }));
    await sink.whenConnected();

    const info = await (await nc.jetstreamManager()).streams.info('runs');
    expect(info.config.subjects).toEqual(['other', 'events']);
  });

  it('authenticates with a token', async () => {
    const server = track(await startNatsServer({ auth: { token: 's3cret' } }));
    const sink = track(
      startSink(server, { nats: { servers: [server.url], auth: { kind: 'token', token: 's3cret' } } }),
    );

    await sink.whenConnected();
    await sink.publish(event('run-5'));
    expect(sink.connected).toBe(true);
  });

  it('authenticates with a user and password, and keeps retrying while they are wrong', async () => {
    const server = track(await startNatsServer({ auth: { user: 'argo', password: 'pw' } }));
    const good = track(
      startSink(server, {
        nats: { servers: [server.url], auth: { kind: 'user-password', user: 'argo', password: 'pw' } },
      }),
    );
    const waits: number[] = [];
    const bad = track(
      startSink(server, {
        nats: { servers: [server.url], auth: { kind: 'user-password', user: 'argo', password: 'nope' } },
        delay: async (ms) => {
          waits.push(ms);
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      }),
    );

    await good.whenConnected();
    await good.publish(event('run-6'));
    await until(() => waits.length >= 3, 'three failed attempts');
    expect(bad.connected).toBe(false);
    await expect(bad.publish(event('run-6'))).rejects.toThrow(BusUnavailableError);
  });

  it('starts while NATS is down, backs off with a cap, rejects publishes fast, and becomes ready once NATS is up', async () => {
    const port = await freePort();
    const waits: number[] = [];
    const sink: NatsEventPublisher = track(
      startSink(
        { url: `nats://127.0.0.1:${port}` },
        {
          backoff: { initialMs: 100, factor: 2, maxMs: 400 },
          delay: async (ms) => {
            waits.push(ms);
            await new Promise((resolve) => setTimeout(resolve, 10));
          },
        },
      ),
    );
    await until(() => waits.length >= 5, 'five connection attempts');

    expect(waits.slice(0, 5)).toEqual([100, 200, 400, 400, 400]);
    expect(sink.connected).toBe(false);
    const started = Date.now();
    const rejection = sink.publish(event('run-7'));
    await expect(rejection).rejects.toThrow(BusUnavailableError);
    await expect(rejection).rejects.toThrow(`not connected to NATS (nats://127.0.0.1:${port})`);
    expect(Date.now() - started).toBeLessThan(100);

    const server = track(await startNatsServer({ port }));
    await sink.whenConnected();
    expect(sink.connected).toBe(true);
    const nc = track(await connect({ servers: server.url }));
    const seen = await collect(nc, 'events');
    await sink.publish(event('run-7'));
    await until(() => seen.length === 1, 'the message');
  });

  it('reports not connected while the server is down and recovers after it restarts', async () => {
    const server = track(await startNatsServer({ jetstream: true }));
    const sink = track(startSink(server, { delivery: 'jetstream' }));
    await sink.whenConnected();

    await server.stop({ graceMs: 0 });
    await until(() => !sink.connected, 'the disconnect');
    await expect(sink.publish(event('run-8'))).rejects.toThrow(BusUnavailableError);

    await server.restart();
    await sink.whenConnected();
    await sink.publish(event('run-8'));
  });

  it('stays not ready and keeps retrying, logging why, in JetStream mode against a server without JetStream', async () => {
    const server = track(await startNatsServer());
    const lines: Array<Record<string, unknown>> = [];
    const sink = track(
      startSink(server, {
        delivery: 'jetstream',
        logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
      }),
    );

    await until(() => lines.length >= 2, 'two failed attempts');

    expect(sink.connected).toBe(false);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      msg: 'cannot connect to NATS; retrying',
      component: 'nats',
      attempt: 1,
      error: {
        name: 'StreamSetupError',
        message:
          'cannot create or update JetStream stream "kfp-events" for "events": no JetStream API answered; is JetStream enabled on the server?',
        cause: '503',
      },
    });
  });

  it('refuses new publishes once closing', async () => {
    const server = track(await startNatsServer());
    const sink = startSink(server);
    await sink.whenConnected();

    await sink.close(1_000);

    await expect(sink.publish(event('run-9'))).rejects.toThrow(
      new BusUnavailableError('the publisher is shutting down'),
    );
    expect(sink.connected).toBe(false);
  });
});
