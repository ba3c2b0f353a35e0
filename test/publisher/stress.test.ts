import { connect, type NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { runCompletionEventId } from 'kfp-events';
import type { PublisherDelivery } from '../../src/contract/index.js';
import { HttpSource } from '../../src/publisher/http.js';
import { silentLogger } from '../../src/publisher/log.js';
import { PublisherMetrics } from '../../src/publisher/metrics.js';
import type { NatsEventPublisher } from '../../src/publisher/sink.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { sampleData, send, startSink } from './support.js';

const EVENTS = 1_000;
const CONCURRENCY = 16;
const RETRY_WAIT_MS = 25;
const MAX_ATTEMPTS = 400;
const DOWN_FOR_MS = 400;

/** Reads every message of a stream and counts them by CloudEvent id. */
async function idsInStream(nc: NatsConnection, stream: string): Promise<Map<string, number>> {
  const jsm = await nc.jetstreamManager();
  const { last_seq: last } = (await jsm.streams.info(stream)).state;
  const counts = new Map<string, number>();
  const consumer = await nc.jetstream().consumers.get(stream);
  for (let read = 0; read < last;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 2_000 });
    for await (const msg of batch) {
      read++;
      const id = msg.json<{ id: string }>().id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

describe('publisher under a NATS restart', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * Posts EVENTS events through the HTTP source with bounded concurrency, retrying 503s and refused
   * connections, while the server is stopped and restarted once a third of them are accepted.
   */
  async function stream(delivery: PublisherDelivery, stopGraceMs: number) {
    const server: NatsServer = await startNatsServer({ jetstream: true });
    cleanups.push(() => server.dispose());
    const admin = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    cleanups.push(() => admin.close());
    if (delivery === 'core') {
      // Core subscribers miss what is sent while the server is down; a stream capturing the subject sees all.
      await (await admin.jetstreamManager()).streams.add({ name: 'capture', subjects: ['events'] });
    }
    const metrics = new PublisherMetrics();
    const sink: NatsEventPublisher = startSink(server, {
      delivery,
      stream: 'kfp-events',
      publishTimeoutMs: 1_000,
      metrics,
    });
    cleanups.push(() => sink.close(2_000));
    await sink.whenConnected();
    const http = new HttpSource({
      publisher: sink,
      source: 'kfp',
      logger: silentLogger,
      metrics,
      retryAfterSeconds: 1,
    });
    const port = await http.listen(0, '127.0.0.1');
    cleanups.push(() => http.close());

    const accepted = new Set<string>();
    /** When each event's 202 arrived, and when the server was told to stop and had exited. */
    const acceptedAt = new Map<string, number>();
    const outage = { stopping: Infinity, stopped: Infinity };
    let unavailable = 0;
    let restart: Promise<void> | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < EVENTS; i = next++) {
        const body = JSON.stringify(sampleData({ runId: `stress-${i}` }));
        for (let attempt = 1; ; attempt++) {
          const answer = await send(port, '/events', {
            headers: { 'content-type': 'application/json' },
            body,
          }).catch(() => undefined);
          if (answer?.status === 202) {
            const id = answer.json().id as string;
            accepted.add(id);
            acceptedAt.set(id, Date.now());
            break;
          }
          if (answer?.status !== 503 || attempt >= MAX_ATTEMPTS) {
            throw new Error(`event ${i}: attempt ${attempt} answered ${answer?.status ?? 'no answer'}`);
          }
          unavailable++;
          await new Promise((resolve) => setTimeout(resolve, RETRY_WAIT_MS));
        }
        if (restart === undefined && accepted.size >= EVENTS / 3) {
          restart = (async () => {
            outage.stopping = Date.now();
            await server.stop({ graceMs: stopGraceMs });
            outage.stopped = Date.now();
            await new Promise((resolve) => setTimeout(resolve, DOWN_FOR_MS));
            await server.restart();
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await restart;

    return { admin, accepted, acceptedAt, outage, unavailable };
  }

  it('JetStream: every accepted event is in the stream exactly once after a crash and restart', async () => {
    const { admin, accepted, unavailable } = await stream('jetstream', 0);

    expect(unavailable).toBeGreaterThan(0);
    expect(accepted.size).toBe(EVENTS);
    const counts = await idsInStream(admin, 'kfp-events');
    expect(counts.size).toBe(EVENTS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect([...accepted].every((id) => counts.has(id))).toBe(true);
    expect(counts.has(runCompletionEventId('kfp', 'run', 'stress-0'))).toBe(true);
  }, 60_000);

  it('core: every accepted event reached the server (seen by a capturing stream) after a restart', async () => {
    const { admin, accepted, acceptedAt, outage, unavailable } = await stream('core', 5_000);

    expect(unavailable).toBeGreaterThan(0);
    expect(accepted.size).toBe(EVENTS);
    const counts = await idsInStream(admin, 'capture');
    const missing = [...accepted].filter((id) => !counts.has(id));
    // Core NATS confirms that the server received a message (the PONG after it), not that the server's
    // own JetStream stored it: a server that is already exiting can answer the flush and then drop what
    // its capture stream had not yet written. So the oracle holds for every event confirmed before the
    // server was told to stop or after it had exited, and the exit window itself is only a few millis.
    const outsideExit = missing.filter((id) => {
      const at = acceptedAt.get(id) ?? 0;
      return at < outage.stopping || at > outage.stopped;
    });
    expect(outsideExit).toEqual([]);
    expect(outage.stopped - outage.stopping).toBeLessThan(1_000);
  }, 60_000);
});
