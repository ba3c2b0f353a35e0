/**
 * The load generator's process: runs one load job at a time for the parent, so that the load and the
 * server under test never share an event loop. Started with `forkWorker`.
 */
import { Agent, request } from 'node:http';
import { connect, headers as natsHeaders, nanos, type JetStreamClient, type NatsConnection } from 'nats';
import { serveRequests } from '../harness/worker.js';
import { BENCH_HTTP_CONTENT_TYPE, benchEvent, benchNatsMessage } from './bench-event.js';
import { closedLoop, openLoop, type LoadOperation, type LoadResult } from './load-generator.js';
import type { ClientJob, LoadSummary } from './protocol.js';
import { summarize } from './protocol.js';

const REQUEST_TIMEOUT_MS = 10_000;
const PACED_MAX_SOCKETS = 256;
const PACED_DRAIN_TIMEOUT_MS = 5_000;
const DUPLICATE_WINDOW_MS = 120_000;

const connections = new Map<string, NatsConnection>();

serveRequests<ClientJob, LoadSummary>(
  async (job) => summarize(await runJob(job)),
  async () => {
    for (const nc of connections.values()) await nc.close();
  },
);

async function runJob(job: ClientJob): Promise<LoadResult> {
  switch (job.kind) {
    case 'http': {
      const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
      try {
        return await closedLoop(job, httpPost(job.port, job.runTag, agent));
      } finally {
        agent.destroy();
      }
    }
    case 'http-paced': {
      const agent = new Agent({ keepAlive: true, maxSockets: PACED_MAX_SOCKETS });
      try {
        return await openLoop(
          { ...job, drainTimeoutMs: PACED_DRAIN_TIMEOUT_MS },
          httpPost(job.port, job.runTag, agent),
        );
      } finally {
        agent.destroy();
      }
    }
    case 'nats':
      return closedLoop(job, await natsPublish(job));
  }
}

/** POSTs a structured CloudEvent to `/events`; resolves on a 2xx answer. */
function httpPost(port: number, runTag: string, agent: Agent): LoadOperation {
  return (seq, sentAt) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(benchEvent(runTag, seq, sentAt));
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/events',
          method: 'POST',
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { 'content-type': BENCH_HTTP_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let answer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (answer.length < 500) answer += chunk;
          });
          res.once('end', () => {
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`HTTP ${status}: ${answer}`));
          });
        },
      );
      req.once('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.once('error', reject);
      req.end(body);
    });
}

/**
 * The raw-client floor: publishes the same message the publisher would (structured encoding) with the
 * same confirmation: core publish + flush, or a JetStream publish awaiting its PubAck with the event id
 * as `Nats-Msg-Id`.
 */
async function natsPublish(job: Extract<ClientJob, { kind: 'nats' }>): Promise<LoadOperation> {
  const nc = await connection(job.url);
  const js = job.jetstream ? await jetstream(nc, job.stream, job.subject) : undefined;
  return async (seq, sentAt) => {
    const event = benchEvent(job.runTag, seq, sentAt);
    const message = benchNatsMessage(event);
    const h = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) h.set(name, value);
    if (js) {
      await js.publish(job.subject, message.payload, { msgID: event.id, headers: h });
    } else {
      nc.publish(job.subject, message.payload, { headers: h });
      await nc.flush();
    }
  };
}

async function connection(url: string): Promise<NatsConnection> {
  let nc = connections.get(url);
  if (!nc) {
    nc = await connect({ servers: url, name: 'kfp-events-bench-floor' });
    connections.set(url, nc);
  }
  return nc;
}

/** Uses the stream holding `subject` (the publisher made it at its start), or makes one like it. */
async function jetstream(nc: NatsConnection, stream: string, subject: string): Promise<JetStreamClient> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.find(subject);
  } catch {
    await jsm.streams.add({
      name: stream,
      subjects: [subject],
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  }
  return nc.jetstream();
}
