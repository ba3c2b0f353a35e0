import { PUBLISHER_ENV_VARS } from '../contract/publisher-env.js';
import { loadPublisherConfig, PublisherConfigError, type PublisherRuntimeConfig } from './config.js';
import { HealthServer } from './health.js';
import { HttpSource } from './http.js';
import { createLogger, type Logger } from './log.js';
import { PublisherMetrics } from './metrics.js';
import { NatsEventPublisher } from './sink.js';
import { startConfiguredWorkflowSource } from './workflow-source.js';
import type { WorkflowSourceHandle } from './workflows/index.js';

/** Options of {@link run}, for tests. */
export interface PublishCommandOptions {
  /**
   * The environment to read the configuration from.
   * @default - process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Shuts the publisher down when aborted (as SIGTERM and SIGINT do).
   * @default - SIGTERM and SIGINT only
   */
  readonly signal?: AbortSignal;
  /**
   * Where log lines and messages go.
   * @default - process.stdout / process.stderr
   */
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

const USAGE = `Usage: kfp-events publish

Runs the publisher: takes run-completion events over HTTP (POST /events) and, when
KFP_EVENTS_WORKFLOW_NAMESPACES is set, from finished Argo Workflows, and publishes them to NATS.
Serves /healthz, /readyz and /metrics on the health port. Configured only through the environment:

${PUBLISHER_ENV_VARS.map((v) => `  ${v.name}${v.required ? ' (required)' : v.default ? ` (default ${v.default})` : ''}`).join('\n')}
`;

/** `kfp-events publish`: runs until SIGTERM or SIGINT, then drains and returns 0. */
export async function run(argv: readonly string[], options: PublishCommandOptions = {}): Promise<number> {
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    stderr(`kfp-events publish: unexpected argument ${JSON.stringify(argv[0])}\n\n${USAGE}`);
    return 2;
  }

  let config: PublisherRuntimeConfig;
  try {
    config = loadPublisherConfig(options.env ?? process.env);
  } catch (err) {
    if (!(err instanceof PublisherConfigError)) throw err;
    stderr(`kfp-events publish: ${err.message}\n`);
    return 1;
  }

  const logger = createLogger({ level: config.logLevel, write: stdout });
  const stop = stopRequested(options.signal);
  let publisher: RunningPublisher;
  try {
    publisher = await startPublisher(config, logger);
  } catch (err) {
    logger.error('cannot start the publisher', { error: err });
    return 1;
  }
  const signal = await stop;
  logger.info('shutting down', { signal, timeoutMs: config.shutdownTimeoutMs });
  await publisher.shutdown();
  logger.info('stopped');
  return 0;
}

/** The running parts of the publisher. */
interface RunningPublisher {
  shutdown(): Promise<void>;
}

async function startPublisher(config: PublisherRuntimeConfig, logger: Logger): Promise<RunningPublisher> {
  const metrics = new PublisherMetrics(true);
  let stopping = false;

  const sink = NatsEventPublisher.start({
    nats: config.nats,
    subject: config.subject,
    delivery: config.delivery,
    encoding: config.encoding,
    stream: config.stream,
    duplicateWindowMs: config.duplicateWindowMs,
    publishTimeoutMs: config.publishTimeoutMs,
    logger,
    metrics,
  });
  const http = new HttpSource({ publisher: sink, source: config.source, logger, metrics });
  const health = new HealthServer({ metrics, ready: () => !stopping && sink.connected });
  await health.listen(config.healthPort, config.listenHost);
  await http.listen(config.httpPort, config.listenHost);
  logger.info('listening', {
    host: config.listenHost,
    httpPort: config.httpPort,
    healthPort: config.healthPort,
    subject: config.subject,
    delivery: config.delivery,
    encoding: config.encoding,
  });

  let workflows: WorkflowSourceHandle | undefined;
  const shutdown = async (): Promise<void> => {
    stopping = true;
    const deadline = Date.now() + config.shutdownTimeoutMs;
    await withDeadline(Promise.all([http.close(), workflows?.stop()]), config.shutdownTimeoutMs);
    await sink.close(Math.max(deadline - Date.now(), 0));
    await health.close();
  };

  if (config.workflows) {
    try {
      workflows = await startConfiguredWorkflowSource(config.workflows, {
        publisher: sink,
        source: config.source,
        logger,
        metrics,
      });
    } catch (err) {
      await shutdown();
      throw err;
    }
  }
  return { shutdown };
}

/** Waits for the promise, but no longer than `ms` millis. */
async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Resolves with the name of the first of SIGTERM, SIGINT or the abort signal. */
function stopRequested(abort: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (name: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(name);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    abort?.addEventListener('abort', () => onSignal('SIGTERM'), { once: true });
  });
}
