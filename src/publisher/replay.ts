import { DeliverPolicy, type NatsConnection, type NatsError } from 'nats';

/** Where in the stream a replay starts. */
export type ReplayStart = { readonly sinceTime: Date } | { readonly fromSeq: number };

/** Options of {@link replayStream}. */
export interface ReplayOptions {
  /** The JetStream stream holding the events. */
  readonly stream: string;
  /** The subject the stored messages are re-published on. */
  readonly subject: string;
  readonly start: ReplayStart;
  /**
   * The last stream sequence to replay (inclusive).
   * @default - the stream's last sequence when the replay starts, so re-published messages that the
   * stream captures again are not replayed in turn
   */
  readonly toSeq?: number;
  /**
   * Messages fetched per batch.
   * @default 256
   */
  readonly batchSize?: number;
  /**
   * Millis a fetch waits for messages before the replay counts the range as done.
   * @default 1000
   */
  readonly fetchTimeoutMs?: number;
}

/** What a replay did. */
export interface ReplayResult {
  /** Messages re-published. */
  readonly count: number;
  /** Stream sequence of the first and last message re-published, when any were. */
  readonly firstSeq?: number;
  readonly lastSeq?: number;
}

/** The stream to replay from does not exist or cannot be read. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_FETCH_TIMEOUT_MS = 1_000;
const JS_STREAM_NOT_FOUND = 10059;

/**
 * Re-publishes stored messages of a JetStream stream, headers and payload unchanged, to a subject
 * with core NATS (as Argo Events' NATS EventSource subscribes), and flushes so the server has them.
 * Reads with an ordered consumer from the start position up to `toSeq`.
 */
export async function replayStream(nc: NatsConnection, options: ReplayOptions): Promise<ReplayResult> {
  const jsm = await nc.jetstreamManager();
  let lastInStream: number;
  try {
    lastInStream = (await jsm.streams.info(options.stream)).state.last_seq;
  } catch (err) {
    if ((err as NatsError).api_error?.err_code === JS_STREAM_NOT_FOUND) {
      throw new ReplayError(`stream ${JSON.stringify(options.stream)} does not exist`, { cause: err });
    }
    throw new ReplayError(`cannot read stream ${JSON.stringify(options.stream)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const endSeq = Math.min(options.toSeq ?? lastInStream, lastInStream);
  if (endSeq === 0 || ('fromSeq' in options.start && options.start.fromSeq > endSeq)) return { count: 0 };

  const consumer = await nc
    .jetstream()
    .consumers.get(
      options.stream,
      'fromSeq' in options.start
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.start.fromSeq }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: options.start.sinceTime.toISOString() },
    );

  let count = 0;
  let firstSeq: number | undefined;
  let lastSeq: number | undefined;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const expires = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  for (let done = false; !done;) {
    let fetched = 0;
    const batch = await consumer.fetch({ max_messages: batchSize, expires });
    for await (const msg of batch) {
      fetched++;
      if (msg.seq > endSeq) {
        done = true;
        break;
      }
      nc.publish(options.subject, msg.data, msg.headers ? { headers: msg.headers } : {});
      count++;
      firstSeq ??= msg.seq;
      lastSeq = msg.seq;
      if (msg.seq === endSeq) {
        done = true;
        break;
      }
    }
    await nc.flush();
    if (fetched === 0) done = true;
  }
  await consumer.delete().catch(() => undefined);

  return { count, ...(firstSeq !== undefined ? { firstSeq, lastSeq } : {}) };
}
