import {
  connect as natsConnect,
  Events,
  headers as natsHeaders,
  nanos,
  type ConnectionOptions,
  type JetStreamClient,
  type NatsConnection,
  type NatsError,
} from 'nats';
import { encodeNatsMessage, type WireEncoding } from '../contract/encoding.js';
import type { PublisherDelivery } from '../contract/publisher-env.js';
import type { RunCompletionEvent } from '../contract/run-completion.js';
import type { NatsConfig } from './config.js';
import { FlushCoalescer } from './flush-coalescer.js';
import type { Logger } from './log.js';
import type { PublisherMetrics } from './metrics.js';
import { natsSecurityOptions } from './nats-auth.js';
import { OutboundBatch } from './outbound-batch.js';

/** Puts run-completion events on the bus. */
export interface EventPublisher {
  /**
   * Publishes one event. Resolves only once the bus confirmed it (core: a flush that began after the
   * publish was written, one round-trip shared by concurrent publishes; JetStream: the PubAck, `Nats-Msg-Id` being the event id). Rejects with
   * {@link BusUnavailableError} while disconnected or when the bus does not confirm in time.
   */
  publish(event: RunCompletionEvent): Promise<void>;
  /** Whether the bus is connected (and, in JetStream mode, the stream is in place). */
  readonly connected: boolean;
}

/** The bus could not take or did not confirm an event; the caller may retry later. */
export class BusUnavailableError extends Error {
  override readonly name: string = 'BusUnavailableError';
}

/** The bus did not confirm a publish within the publish timeout; the event may or may not be on it. */
export class PublishTimeoutError extends BusUnavailableError {
  override readonly name = 'PublishTimeoutError';
}

/** The JetStream stream could not be created or updated at connect; the sink retries. */
export class StreamSetupError extends Error {
  override readonly name = 'StreamSetupError';
}

/** Backoff between attempts to make the first connection (and to reconnect after a close). */
export interface ConnectBackoff {
  /**
   * Millis before the second attempt.
   * @default 250
   */
  readonly initialMs?: number;
  /**
   * Multiplier per attempt.
   * @default 2
   */
  readonly factor?: number;
  /**
   * Upper bound of one wait, in millis.
   * @default 10000
   */
  readonly maxMs?: number;
}

/** Options of {@link NatsEventPublisher.start}. */
export interface NatsEventPublisherOptions {
  readonly nats: NatsConfig;
  /** The subject events are published on. */
  readonly subject: string;
  readonly delivery: PublisherDelivery;
  readonly encoding: WireEncoding;
  /** JetStream mode: the stream created or updated to hold the subject. */
  readonly stream: string;
  /** JetStream mode: the stream's duplicate window, in millis. */
  readonly duplicateWindowMs: number;
  /** Millis one publish may wait for confirmation. */
  readonly publishTimeoutMs: number;
  readonly logger: Logger;
  /**
   * Where connection state and publish latency are recorded.
   * @default - not recorded
   */
  readonly metrics?: PublisherMetrics;
  /**
   * Backoff of the connect loop.
   * @default - 250 ms doubling up to 10 s
   */
  readonly backoff?: ConnectBackoff;
  /**
   * Waits the given millis (tests inject an instant one).
   * @default - a timer
   */
  readonly delay?: (ms: number) => Promise<void>;
  /**
   * The client name the server sees.
   * @default 'kfp-events-publisher'
   */
  readonly clientName?: string;
}

const DEFAULT_BACKOFF: Required<ConnectBackoff> = { initialMs: 250, factor: 2, maxMs: 10_000 };
const DEFAULT_CLIENT_NAME = 'kfp-events-publisher';
/** Millis one connection attempt may take. */
const CONNECT_TIMEOUT_MS = 2_000;
/** Millis between reconnect attempts of an established connection. */
const RECONNECT_WAIT_MS = 500;
const RECONNECT_JITTER_MS = 250;
/** JetStream error code: stream not found. */
const JS_STREAM_NOT_FOUND = 10059;
/** nats.js error code of a request nobody answered. */
const NO_RESPONDERS = '503';

/**
 * The NATS sink. {@link NatsEventPublisher.start} returns at once and connects in the background,
 * retrying with capped exponential backoff for as long as it takes; the process never exits because
 * the bus is down. Reconnects after a disconnect are left to nats.js (unlimited attempts).
 */
export class NatsEventPublisher implements EventPublisher {
  /** Creates the sink and starts connecting. */
  public static start(options: NatsEventPublisherOptions): NatsEventPublisher {
    const sink = new NatsEventPublisher(options);
    void sink.connectLoop();
    return sink;
  }

  private nc: NatsConnection | undefined;
  /**
   * The publishes of one event-loop turn on the current connection, written together; in core mode
   * confirmed by one flush shared with concurrent publishes.
   */
  private outbound: OutboundBatch | undefined;
  private js: JetStreamClient | undefined;
  private ready = false;
  private closing = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly connectedWaiters: Array<() => void> = [];
  private readonly delay: (ms: number) => Promise<void>;
  private readonly backoff: Required<ConnectBackoff>;
  private readonly log: Logger;

  private constructor(private readonly options: NatsEventPublisherOptions) {
    this.delay = options.delay ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.log = options.logger.child({ component: 'nats' });
    this.setReady(false);
  }

  public get connected(): boolean {
    return this.ready;
  }

  /** The number of publishes waiting for confirmation. */
  public get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves once connected (immediately when already connected). */
  public whenConnected(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  public publish(event: RunCompletionEvent): Promise<void> {
    const promise = this.publishConfirmed(event);
    this.inFlight.add(promise);
    this.options.metrics?.publishesInFlight.set(this.inFlight.size);
    const forget = (): void => {
      this.inFlight.delete(promise);
      this.options.metrics?.publishesInFlight.set(this.inFlight.size);
    };
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Stops taking events, waits up to `timeoutMs` for in-flight publishes, then drains and closes the
   * connection. Never rejects.
   */
  public async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + timeoutMs;

    await withDeadline(Promise.allSettled([...this.inFlight]), timeoutMs);

    this.setReady(false);
    const nc = this.nc;
    this.nc = undefined;
    this.outbound = undefined;
    if (!nc || nc.isClosed()) return;
    const left = Math.max(deadline - Date.now(), 0);
    const drained = await withDeadline(
      nc.drain().then(
        () => true,
        () => false,
      ),
      left,
    );
    if (drained !== true) await nc.close().catch(() => undefined);
  }

  private async publishConfirmed(event: RunCompletionEvent): Promise<void> {
    const nc = this.nc;
    const outbound = this.outbound;
    if (this.closing) throw new BusUnavailableError('the publisher is shutting down');
    if (!this.ready || !nc || !outbound)
      throw new BusUnavailableError(`not connected to NATS (${this.servers()})`);

    const started = performance.now();
    const wire = encodeNatsMessage(event, this.options.encoding);
    const hdrs = natsHeaders();
    for (const [name, value] of Object.entries(wire.headers)) hdrs.set(name, value);
    const timeoutMs = this.options.publishTimeoutMs;

    try {
      const js = this.js;
      if (js) {
        await outbound.submit(async () => {
          await js.publish(this.options.subject, wire.payload, {
            headers: hdrs,
            msgID: event.id,
            timeout: timeoutMs,
          });
        });
      } else {
        const flushed = await withDeadline(
          outbound
            .submit(() => nc.publish(this.options.subject, wire.payload, { headers: hdrs }))
            .then(() => true),
          timeoutMs,
        );
        if (flushed !== true)
          throw new PublishTimeoutError(`NATS did not confirm event ${event.id} within ${timeoutMs} ms`);
      }
    } catch (err) {
      if (err instanceof BusUnavailableError) throw err;
      const natsErr = err as NatsError;
      if (natsErr.code === 'TIMEOUT') {
        throw new PublishTimeoutError(`NATS did not confirm event ${event.id} within ${timeoutMs} ms`, {
          cause: err,
        });
      }
      throw new BusUnavailableError(`NATS did not take event ${event.id}: ${natsErr.message}`, {
        cause: err,
      });
    }

    this.options.metrics?.publishLatency.observe((performance.now() - started) / 1000);
  }

  /** Connects, retrying with backoff until connected or closing; re-enters when the connection closes. */
  private async connectLoop(): Promise<void> {
    let waitMs = this.backoff.initialMs;
    for (let attempt = 1; !this.closing; attempt++) {
      let nc: NatsConnection | undefined;
      try {
        nc = await natsConnect(this.connectionOptions());
        await this.prepare(nc);
        if (this.closing) {
          await nc.close();
          return;
        }
        const connection = nc;
        this.nc = connection;
        this.outbound = this.outboundBatch(connection);
        this.log.info('connected to NATS', {
          server: nc.getServer(),
          delivery: this.options.delivery,
          attempt,
        });
        this.setReady(true);
        void this.watch(nc);
        return;
      } catch (err) {
        await nc?.close().catch(() => undefined);
        this.log.warn('cannot connect to NATS; retrying', {
          servers: this.servers(),
          attempt,
          retryInMs: waitMs,
          error: err,
        });
        await this.delay(waitMs);
        waitMs = Math.min(waitMs * this.backoff.factor, this.backoff.maxMs);
      }
    }
  }

  /** Follows the connection's status; after an unexpected close, connects afresh. */
  private async watch(nc: NatsConnection): Promise<void> {
    const closed = nc.closed();
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) {
        this.setReady(false);
        this.log.warn('disconnected from NATS', { server: status.data });
      } else if (status.type === Events.Reconnect) {
        await this.prepare(nc).then(
          () => {
            this.setReady(true);
            this.log.info('reconnected to NATS', { server: status.data });
          },
          async (err: unknown) => {
            // Closing ends this loop, and the connect loop starts over with backoff.
            this.log.error('reconnected, but cannot set up the JetStream stream', { error: err });
            await nc.close().catch(() => undefined);
          },
        );
      }
    }
    const error = await closed;
    this.setReady(false);
    if (this.closing || this.nc !== nc) return;
    this.nc = undefined;
    this.outbound = undefined;
    this.log.error('NATS connection closed; connecting again', { error });
    void this.connectLoop();
  }

  /** JetStream mode: creates or updates the stream and binds the client. */
  private async prepare(nc: NatsConnection): Promise<void> {
    if (this.options.delivery !== 'jetstream') return;
    const { stream, subject } = this.options;
    try {
      await this.ensureStream(nc);
    } catch (err) {
      const reason =
        (err as NatsError).code === NO_RESPONDERS
          ? 'no JetStream API answered; is JetStream enabled on the server?'
          : (err as Error).message;
      throw new StreamSetupError(
        `cannot create or update JetStream stream "${stream}" for "${subject}": ${reason}`,
        {
          cause: err,
        },
      );
    }
    this.js = nc.jetstream({ timeout: this.options.publishTimeoutMs });
  }

  /** Creates the stream, or updates it to hold the subject with the configured duplicate window. */
  private async ensureStream(nc: NatsConnection): Promise<void> {
    const { stream, subject, duplicateWindowMs } = this.options;
    const jsm = await nc.jetstreamManager({ timeout: this.options.publishTimeoutMs });
    try {
      const info = await jsm.streams.info(stream);
      const subjects = info.config.subjects.includes(subject)
        ? info.config.subjects
        : [...info.config.subjects, subject];
      await jsm.streams.update(stream, { subjects, duplicate_window: nanos(duplicateWindowMs) });
    } catch (err) {
      if ((err as NatsError).api_error?.err_code !== JS_STREAM_NOT_FOUND) throw err;
      await jsm.streams.add({
        name: stream,
        subjects: [subject],
        duplicate_window: nanos(duplicateWindowMs),
      });
    }
  }

  /** Core mode: batches confirmed by a shared flush; JetStream: each publish's PubAck confirms it. */
  private outboundBatch(nc: NatsConnection): OutboundBatch {
    if (this.options.delivery === 'jetstream') return new OutboundBatch(() => Promise.resolve());
    const flusher = new FlushCoalescer(() => nc.flush());
    return new OutboundBatch(() => flusher.confirm());
  }

  private connectionOptions(): ConnectionOptions {
    const servers = this.options.nats.servers;
    return {
      servers: [...servers],
      name: this.options.clientName ?? DEFAULT_CLIENT_NAME,
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      reconnectJitter: RECONNECT_JITTER_MS,
      ignoreAuthErrorAbort: true,
      ...natsSecurityOptions(this.options.nats),
    };
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    this.options.metrics?.busConnected.set(ready ? 1 : 0);
    if (!ready) return;
    for (const resolve of this.connectedWaiters.splice(0)) resolve();
  }

  private servers(): string {
    return this.options.nats.servers.join(',');
  }
}

/** Resolves with the promise's value, or with undefined once `ms` millis passed. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
