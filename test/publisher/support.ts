import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { NatsConnection } from 'nats';
import type { RunCompletionData } from 'kfp-events';
import { silentLogger } from '../../src/publisher/log.js';
import { NatsEventPublisher, type NatsEventPublisherOptions } from '../../src/publisher/sink.js';
import type { NatsServer } from '../support/nats-server.js';

/** Valid run-completion data; `overrides` replace fields. */
export function sampleData(overrides: Record<string, unknown> = {}): RunCompletionData {
  return {
    status: 'succeeded',
    pipelineName: 'penguin-pipeline',
    servingModelArtifacts: [
      { name: 'penguin-pipeline:wf-1:Pusher:pushed_model:0', location: 'gs://models/penguin/1' },
    ],
    runId: 'run-1',
    ...overrides,
  };
}

/** Starts a sink against a test server with quick test settings; `overrides` replace options. */
export function startSink(
  server: Pick<NatsServer, 'url'>,
  overrides: Partial<NatsEventPublisherOptions> = {},
): NatsEventPublisher {
  return NatsEventPublisher.start({
    nats: { servers: [server.url], auth: { kind: 'none' } },
    subject: 'events',
    delivery: 'core',
    encoding: 'structured',
    stream: 'kfp-events',
    duplicateWindowMs: 120_000,
    publishTimeoutMs: 2_000,
    logger: silentLogger,
    backoff: { initialMs: 20, maxMs: 100 },
    ...overrides,
  });
}

/** A message as a subscriber saw it. */
export interface SeenMessage {
  readonly subject: string;
  readonly headers: Record<string, string>;
  readonly payload: string;
}

/** Subscribes to `subject` and collects what arrives; flushed so the subscription is in place. */
export async function collect(nc: NatsConnection, subject: string): Promise<SeenMessage[]> {
  const seen: SeenMessage[] = [];
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      const headers: Record<string, string> = {};
      for (const [name, values] of msg.headers ?? []) headers[name] = values.join(',');
      seen.push({ subject: msg.subject, headers, payload: msg.string() });
    },
  });
  await nc.flush();
  return seen;
}

/** Waits until `check` holds, polling; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON. */
  json(): Record<string, unknown>;
}

/** Sends one HTTP request to 127.0.0.1 and reads the whole answer. */
export function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'POST',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A server may answer (e.g. 413) and close before it reads the whole body; the answer still counts.
    req.on('error', () => undefined);
    req.end(options.body);
  });
}
