import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEventRequest, type RequestProblem } from './http-event.js';
import type { Logger } from './log.js';
import type { PublisherMetrics } from './metrics.js';
import { observedPublisher } from './observed.js';
import { BusUnavailableError, type EventPublisher } from './sink.js';

/** Options of {@link HttpSource}. */
export interface HttpSourceOptions {
  readonly publisher: EventPublisher;
  /** The CloudEvent `source` of events POSTed as plain `data`. */
  readonly source: string;
  readonly logger: Logger;
  readonly metrics: PublisherMetrics;
  /**
   * Largest accepted body, in bytes; a larger one gets 413 and is not read further.
   * @default 1048576 (1 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * The `Retry-After` seconds sent with a 503.
   * @default 5
   */
  readonly retryAfterSeconds?: number;
}

/** The path events are POSTed to. */
export const EVENTS_PATH = '/events';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The HTTP ingest: `POST /events` takes one run-completion event and answers 202 `{"id": …}` only
 * after the bus confirmed it; 400 (naming the field), 404, 405, 413, 415, or 503 with `Retry-After`
 * when the bus is unavailable. Never a 2xx for an event that is not on the bus.
 */
export class HttpSource {
  private readonly server: Server;
  private readonly publisher: EventPublisher;
  private readonly maxBodyBytes: number;
  private readonly retryAfterSeconds: number;
  private stopping = false;

  public constructor(private readonly options: HttpSourceOptions) {
    this.publisher = observedPublisher(options.publisher, 'http', options.logger, options.metrics);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        options.logger.error('request failed', { path: req.url, error: err });
        if (res.headersSent) res.destroy();
        else send(res, 500, { error: 'internal error' });
      });
    });
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  public listen(port: number, host?: string): Promise<number> {
    return listen(this.server, port, host);
  }

  /**
   * Stops accepting: closes the listener and idle connections, answers 503 to requests that still
   * arrive on open connections, and resolves once every request in progress has been answered.
   */
  public close(): Promise<void> {
    this.stopping = true;
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== EVENTS_PATH) {
      return send(res, 404, { error: `no such path ${JSON.stringify(path)}; POST events to ${EVENTS_PATH}` });
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(res, 405, {
        error: `method ${req.method ?? ''} is not allowed on ${EVENTS_PATH}; use POST`,
      });
    }
    if (this.stopping) return this.unavailable(res, 'the publisher is shutting down');

    const body = await readBody(req, this.maxBodyBytes);
    if (body === undefined) {
      this.options.metrics.events.inc({ source: 'http', status: 'unknown', outcome: 'rejected' });
      res.setHeader('Connection', 'close');
      send(res, 413, { error: `the body is larger than ${this.maxBodyBytes} bytes`, field: '' });
      res.once('finish', () => req.destroy());
      return;
    }

    const parsed = parseEventRequest(req.headers, body, this.options.source);
    if (!parsed.ok) {
      this.options.metrics.events.inc({ source: 'http', status: 'unknown', outcome: 'rejected' });
      return send(res, parsed.status, problemBody(parsed.problems));
    }

    try {
      await this.publisher.publish(parsed.event);
    } catch (err) {
      if (err instanceof BusUnavailableError) return this.unavailable(res, err.message);
      this.options.logger.error('publish failed', { id: parsed.event.id, error: err });
      return send(res, 500, { error: `publishing failed: ${(err as Error).message}` });
    }
    send(res, 202, { id: parsed.event.id });
  }

  private unavailable(res: ServerResponse, reason: string): void {
    res.setHeader('Retry-After', String(this.retryAfterSeconds));
    send(res, 503, { error: `the event bus is unavailable: ${reason}` });
  }
}

function problemBody(problems: readonly RequestProblem[]): Record<string, unknown> {
  const [first] = problems;
  return {
    error: problems.map((p) => (p.field === '' ? p.message : `${p.field}: ${p.message}`)).join('; '),
    field: first?.field ?? '',
    ...(problems.length > 1 ? { problems } : {}),
  };
}

/** Reads the body as UTF-8; undefined (and stops reading) once it exceeds `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        req.removeAllListeners('data');
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** Writes a JSON answer. */
export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a server listening; resolves with the bound port. */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server: no new connections, idle ones dropped; resolves when open requests are done. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
