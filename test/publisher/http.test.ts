import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRunCompletionEvent, decodeNatsMessage, runCompletionEventId } from 'kfp-events';
import { HealthServer } from '../../src/publisher/health.js';
import { HttpSource } from '../../src/publisher/http.js';
import { silentLogger } from '../../src/publisher/log.js';
import { PublisherMetrics } from '../../src/publisher/metrics.js';
import type { NatsEventPublisher } from '../../src/publisher/sink.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { collect, sampleData, send, startSink, until, type SeenMessage } from './support.js';

const CE_TYPE = 'org.kubeflow.pipelines.run-completion';
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('HTTP source', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let sink: NatsEventPublisher;
  let metrics: PublisherMetrics;
  let http: HttpSource;
  let health: HealthServer;
  let port: number;
  let healthPort: number;
  let seen: SeenMessage[];

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    metrics = new PublisherMetrics();
    sink = startSink(server, { metrics });
    await sink.whenConnected();
    http = new HttpSource({
      publisher: sink,
      source: 'kfp',
      logger: silentLogger,
      metrics,
      maxBodyBytes: 4_096,
    });
    port = await http.listen(0, '127.0.0.1');
    health = new HealthServer({ metrics, ready: () => sink.connected });
    healthPort = await health.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await http?.close();
    await health?.close();
    await sink?.close(1_000);
    await nc?.close();
    await server?.dispose();
  });
  beforeEach(async () => {
    seen = await collect(nc, 'events');
  });

  const wireEvent = (i: number) =>
    decodeNatsMessage(Buffer.from(seen[i]?.payload ?? ''), seen[i]?.headers ?? {});

  describe('accepts', () => {
    it('a structured CloudEvent, answering 202 with its id after the bus has it, and the same id when re-sent', async () => {
      const body = JSON.stringify({
        specversion: '1.0',
        type: CE_TYPE,
        source: 'my-provider',
        id: 'evt-1',
        time: '2026-01-02T03:04:05Z',
        teamname: 'penguins',
        data: sampleData({ extra: { kept: true } }),
      });
      const headers = { 'content-type': 'application/cloudevents+json; charset=utf-8' };

      const first = await send(port, '/events', { headers, body });
      const second = await send(port, '/events', { headers, body });

      expect(first.status).toBe(202);
      expect(first.json()).toEqual({ id: 'evt-1' });
      expect(second.json()).toEqual({ id: 'evt-1' });
      await until(() => seen.length === 2, 'two messages');
      expect(seen[0]?.headers).toEqual({ 'content-type': 'application/cloudevents+json' });
      expect(wireEvent(0)).toEqual(
        createRunCompletionEvent({
          source: 'my-provider',
          id: 'evt-1',
          time: '2026-01-02T03:04:05Z',
          data: sampleData({ extra: { kept: true } }),
          extensions: { teamname: 'penguins' },
        }),
      );
      expect(seen[1]?.payload).toBe(seen[0]?.payload);
    });

    it('a binary CloudEvent with ce-* headers', async () => {
      const answer = await send(port, '/events', {
        headers: {
          ...JSON_HEADERS,
          'ce-specversion': '1.0',
          'ce-type': CE_TYPE,
          'ce-source': 'ci',
          'ce-id': 'evt-2',
        },
        body: JSON.stringify(sampleData({ status: 'failed' })),
      });

      expect(answer.status).toBe(202);
      expect(answer.json()).toEqual({ id: 'evt-2' });
      await until(() => seen.length === 1, 'the message');
      expect(wireEvent(0)).toMatchObject({ id: 'evt-2', source: 'ci', data: { status: 'failed' } });
    });

    it('plain data, deriving the id from the run id so that a re-sent body gets the same id', async () => {
      const body = JSON.stringify(sampleData({ runId: 'run-42' }));

      const first = await send(port, '/events', { headers: JSON_HEADERS, body });
      const second = await send(port, '/events', { headers: JSON_HEADERS, body });

      const id = runCompletionEventId('kfp', 'run', 'run-42');
      expect([first.status, second.status]).toEqual([202, 202]);
      expect([first.json(), second.json()]).toEqual([{ id }, { id }]);
      await until(() => seen.length === 2, 'two messages');
      expect([wireEvent(0).id, wireEvent(1).id]).toEqual([id, id]);
      expect(wireEvent(0).source).toBe('kfp');
    });

    it('plain data without a run id, deriving the same id whatever the key order', async () => {
      const data: Record<string, unknown> = { ...sampleData() };
      delete data.runId;
      const reordered = Object.fromEntries(Object.entries(data).reverse());

      const first = await send(port, '/events', { headers: JSON_HEADERS, body: JSON.stringify(data) });
      const second = await send(port, '/events', { headers: JSON_HEADERS, body: JSON.stringify(reordered) });

      expect(first.json().id).toBe(second.json().id);
      expect(first.json().id).not.toBe(runCompletionEventId('kfp', 'run', 'run-1'));
    });
  });

  describe('rejects', () => {
    it.each([
      [
        'plain data without pipelineName',
        JSON_HEADERS,
        JSON.stringify({ status: 'succeeded', servingModelArtifacts: [] }),
        'pipelineName',
        'pipelineName: is required',
      ],
      [
        'plain data with a bad status',
        JSON_HEADERS,
        JSON.stringify(sampleData({ status: 'done' })),
        'status',
        'status: must be one of "succeeded", "failed"',
      ],
      [
        'a structured event without an id',
        { 'content-type': 'application/cloudevents+json' },
        JSON.stringify({ specversion: '1.0', type: CE_TYPE, source: 's', data: sampleData() }),
        'id',
        'id: is required',
      ],
      [
        'a structured event of another type',
        { 'content-type': 'application/cloudevents+json' },
        JSON.stringify({
          specversion: '1.0',
          type: 'com.example.other',
          source: 's',
          id: '1',
          data: sampleData(),
        }),
        'type',
        `type: must be "${CE_TYPE}", got "com.example.other"`,
      ],
      [
        'a structured event with bad data',
        { 'content-type': 'application/cloudevents+json' },
        JSON.stringify({
          specversion: '1.0',
          type: CE_TYPE,
          source: 's',
          id: '1',
          data: sampleData({ servingModelArtifacts: [{ name: 'x' }] }),
        }),
        'data.servingModelArtifacts.0.location',
        'data.servingModelArtifacts.0.location: is required',
      ],
      [
        'a binary event without ce-id',
        { ...JSON_HEADERS, 'ce-specversion': '1.0', 'ce-type': CE_TYPE, 'ce-source': 's' },
        JSON.stringify(sampleData()),
        'ce-id',
        'ce-id: is required',
      ],
      ['a body that is not JSON', JSON_HEADERS, '{"status":', '', 'the body is not JSON'],
    ])('%s with 400 naming the field', async (_name, headers, body, field, error) => {
      const answer = await send(port, '/events', { headers, body });

      expect(answer.status).toBe(400);
      expect(answer.json().field).toBe(field);
      expect(answer.json().error).toContain(error);
      expect(seen).toEqual([]);
    });

    it('a body over the limit with 413, declared or streamed', async () => {
      const big = JSON.stringify(sampleData({ padding: 'x'.repeat(5_000) }));
      const rejected = async (): Promise<number> =>
        (await metrics.events.get()).values.find((v) => v.labels.outcome === 'rejected')?.value ?? 0;
      const before = await rejected();

      const declared = await send(port, '/events', { headers: JSON_HEADERS, body: big });
      const streamed = await send(port, '/events', {
        headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' },
        body: big,
      });

      expect([declared.status, streamed.status]).toEqual([413, 413]);
      expect(declared.json()).toEqual({ error: 'the body is larger than 4096 bytes', field: '' });
      expect((await rejected()) - before).toBe(2);
    });

    it('an unsupported content type with 415', async () => {
      const plain = await send(port, '/events', { headers: { 'content-type': 'text/plain' }, body: 'hi' });
      const batch = await send(port, '/events', {
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: '[]',
      });

      expect([plain.status, batch.status]).toEqual([415, 415]);
      expect(plain.json().field).toBe('content-type');
      expect(plain.json().error).toContain('"text/plain" is not supported');
      expect(batch.json().error).toContain('batches are not accepted');
    });

    it('other paths with 404 and other methods with 405', async () => {
      const missing = await send(port, '/event', { headers: JSON_HEADERS, body: '{}' });
      const get = await send(port, '/events', { method: 'GET' });

      expect(missing.status).toBe(404);
      expect(missing.json().error).toBe('no such path "/event"; POST events to /events');
      expect(get.status).toBe(405);
      expect(get.headers.allow).toBe('POST');
    });
  });

  describe('health', () => {
    it('serves liveness, readiness and Prometheus metrics', async () => {
      await send(port, '/events', {
        headers: JSON_HEADERS,
        body: JSON.stringify(sampleData({ runId: 'm' })),
      });

      const healthz = await send(healthPort, '/healthz', { method: 'GET' });
      const readyz = await send(healthPort, '/readyz', { method: 'GET' });
      const scraped = await send(healthPort, '/metrics', { method: 'GET' });

      expect([healthz.status, readyz.status]).toEqual([200, 200]);
      expect(scraped.headers['content-type']).toContain('text/plain');
      expect(scraped.body).toMatch(
        /kfp_events_events_total\{source="http",status="succeeded",outcome="published"\} \d+/,
      );
      expect(scraped.body).toContain('kfp_events_bus_connected 1');
      expect(scraped.body).toContain('kfp_events_publish_duration_seconds_bucket');
    });
  });

  // Last: stops the server for good.
  describe('while NATS is down', () => {
    it('answers 503 with Retry-After, never 2xx, and reports not ready', async () => {
      await server.stop({ graceMs: 0 });
      await until(() => !sink.connected, 'the disconnect');

      const answer = await send(port, '/events', {
        headers: JSON_HEADERS,
        body: JSON.stringify(sampleData()),
      });
      const readyz = await send(healthPort, '/readyz', { method: 'GET' });
      const healthz = await send(healthPort, '/healthz', { method: 'GET' });

      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.json().error).toBe(`the event bus is unavailable: not connected to NATS (${server.url})`);
      expect([readyz.status, healthz.status]).toEqual([503, 200]);
      const counted = await metrics.events.get();
      expect(counted.values.find((v) => v.labels.outcome === 'unavailable')?.value).toBe(1);
    });
  });
});
