import { parseArgs } from 'node:util';
import { connect } from 'nats';
import { loadPublisherConfig, PublisherConfigError } from './config.js';
import { natsSecurityOptions } from './nats-auth.js';
import { replayStream, ReplayError, type ReplayStart } from './replay.js';

/** Options of {@link run}, for tests. */
export interface ReplayCommandOptions {
  /**
   * The environment to read the NATS configuration from (the publisher's variables).
   * @default - process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

const USAGE = `Usage: kfp-events replay (--since <RFC3339> | --from-seq <N>) [--to-seq <N>] [--subject <subject>] [--stream <name>]

Re-publishes events stored in the JetStream stream, headers and payload unchanged, to a subject
with core NATS, e.g. for a consumer's EventSource that was down. Reads the publisher's environment
(KFP_EVENTS_NATS_URL, auth, KFP_EVENTS_JETSTREAM_STREAM, KFP_EVENTS_SUBJECT).

  --since <time>       first event stored at or after this RFC 3339 time
  --from-seq <N>       first stream sequence to replay
  --to-seq <N>         last stream sequence to replay (default: the last one when the replay starts)
  --subject <subject>  where to re-publish (default: KFP_EVENTS_SUBJECT)
  --stream <name>      the stream to read (default: KFP_EVENTS_JETSTREAM_STREAM)
`;

const CONNECT_TIMEOUT_MS = 5_000;

/** `kfp-events replay`: prints the number of events re-published; exit 0, 1 on failure, 2 on bad usage. */
export async function run(argv: readonly string[], options: ReplayCommandOptions = {}): Promise<number> {
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const usageError = (message: string): number => {
    stderr(`kfp-events replay: ${message}\n\n${USAGE}`);
    return 2;
  };

  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        since: { type: 'string' },
        'from-seq': { type: 'string' },
        'to-seq': { type: 'string' },
        subject: { type: 'string' },
        stream: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return usageError((err as Error).message);
  }
  if (values.help) {
    stdout(USAGE);
    return 0;
  }

  const since = values.since as string | undefined;
  const fromSeq = values['from-seq'] as string | undefined;
  const toSeq = values['to-seq'] as string | undefined;
  if ((since === undefined) === (fromSeq === undefined))
    return usageError('give exactly one of --since and --from-seq');
  if (since !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(since)) {
    return usageError(
      `--since ${JSON.stringify(since)} is not an RFC 3339 time such as 2026-01-01T00:00:00Z`,
    );
  }
  if (since !== undefined && Number.isNaN(Date.parse(since))) {
    return usageError(
      `--since ${JSON.stringify(since)} is not an RFC 3339 time such as 2026-01-01T00:00:00Z`,
    );
  }
  for (const [flag, value] of [
    ['--from-seq', fromSeq],
    ['--to-seq', toSeq],
  ] as const) {
    if (value !== undefined && !/^[1-9]\d*$/.test(value))
      return usageError(`${flag} ${JSON.stringify(value)} is not a positive integer`);
  }
  const start: ReplayStart =
    since !== undefined ? { sinceTime: new Date(since) } : { fromSeq: Number(fromSeq) };

  let config;
  try {
    config = loadPublisherConfig(options.env ?? process.env);
  } catch (err) {
    if (!(err instanceof PublisherConfigError)) throw err;
    stderr(`kfp-events replay: ${err.message}\n`);
    return 1;
  }

  const subject = (values.subject as string | undefined) ?? config.subject;
  const stream = (values.stream as string | undefined) ?? config.stream;
  let nc;
  try {
    nc = await connect({
      servers: [...config.nats.servers],
      name: 'kfp-events-replay',
      timeout: CONNECT_TIMEOUT_MS,
      ...natsSecurityOptions(config.nats),
    });
  } catch (err) {
    stderr(
      `kfp-events replay: cannot connect to NATS (${config.nats.servers.join(',')}): ${(err as Error).message}\n`,
    );
    return 1;
  }

  try {
    const result = await replayStream(nc, {
      stream,
      subject,
      start,
      ...(toSeq !== undefined ? { toSeq: Number(toSeq) } : {}),
    });
    const range =
      result.firstSeq !== undefined ? ` (stream sequences ${result.firstSeq}..${result.lastSeq})` : '';
    stdout(`replayed ${result.count} event(s) from stream ${stream} to subject ${subject}${range}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ReplayError)) throw err;
    stderr(`kfp-events replay: ${err.message}\n`);
    return 1;
  } finally {
    await nc.drain().catch(() => undefined);
  }
}
