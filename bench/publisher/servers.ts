import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHER_ENV } from 'kfp-events';
import type { BuiltProduct } from '../harness/build.js';
import { freePort, httpStatus, waitUntil } from '../harness/net.js';
import { startProcess, type RunningProcess } from '../harness/process.js';
import { describeTree } from '../harness/product.js';

const READY_TIMEOUT_MS = 20_000;
const HTTP_FLOOR_SERVER = join(import.meta.dirname, 'http-floor-server.js');

/** The subject and JetStream stream every bench server uses. */
export const BENCH_SUBJECT = 'events';
export const BENCH_STREAM = 'kfp-events';

/** A server under test, listening for `POST /events` on 127.0.0.1. */
export interface HttpServerUnderTest {
  readonly port: number;
  readonly process: RunningProcess;
}

/** Why a server could not be measured. */
export interface Unavailable {
  readonly unavailable: string;
}

/** NATS delivery the publisher is configured for. */
export type Delivery = 'core' | 'jetstream';

/**
 * Starts the publisher runtime (`node lib/src/cli.js publish`) configured only through its documented
 * environment variables, and waits until `/readyz` answers 200.
 */
export async function startPublisher(
  product: BuiltProduct,
  natsUrl: string,
  delivery: Delivery,
): Promise<HttpServerUnderTest | Unavailable> {
  const cli = join(product.libDir, 'src', 'cli.js');
  if (product.error) return { unavailable: `the publisher: ${product.error}` };
  if (!existsSync(cli))
    return {
      unavailable: `the publisher runtime is missing (no src/cli.ts in ${describeTree(product.tree)})`,
    };

  const [httpPort, healthPort] = [await freePort(), await freePort()];
  const env = publisherEnv({ natsUrl, delivery, httpPort, healthPort });
  const server = startProcess('node', [cli, 'publish'], { cwd: product.tree.root, env });

  const ready = await waitUntil(
    async () => (await httpStatus(healthPort, '/readyz')) === 200,
    READY_TIMEOUT_MS,
    () => server.exited,
  );
  if (!ready) {
    await server.stop();
    return {
      unavailable: `the publisher did not become ready within ${READY_TIMEOUT_MS} ms (${delivery}): ${server.stderrTail().trim() || 'no stderr'}`,
    };
  }
  return { port: httpPort, process: server };
}

/** Starts the bare HTTP floor server and waits until it answers. */
export async function startHttpFloor(): Promise<HttpServerUnderTest> {
  const port = await freePort();
  const server = startProcess('node', [HTTP_FLOOR_SERVER], {
    cwd: import.meta.dirname,
    env: { ...process.env, BENCH_HTTP_PORT: String(port) },
  });
  const ready = await waitUntil(
    async () => (await httpStatus(port, '/readyz')) === 200,
    READY_TIMEOUT_MS,
    () => server.exited,
  );
  if (!ready) {
    await server.stop();
    throw new Error(`the HTTP floor server did not start: ${server.stderrTail()}`);
  }
  return { port, process: server };
}

/** What a bench publisher is configured with. */
export interface PublisherEnvOptions {
  readonly natsUrl: string;
  readonly delivery: Delivery;
  readonly httpPort: number;
  readonly healthPort: number;
  /**
   * Namespaces whose workflows it watches.
   * @default - none: the workflow source is off
   */
  readonly workflowNamespaces?: readonly string[];
  /** Further variables, e.g. `KUBECONFIG`. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The publisher's environment: this process's, without any publisher variable of the caller's shell,
 * plus the documented variables of `PUBLISHER_ENV` for the bench's servers.
 */
export function publisherEnv(options: PublisherEnvOptions): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('KFP_EVENTS_'));
  return {
    ...Object.fromEntries(inherited),
    ...options.extra,
    [PUBLISHER_ENV.NATS_URL.name]: options.natsUrl,
    [PUBLISHER_ENV.DELIVERY.name]: options.delivery,
    [PUBLISHER_ENV.SUBJECT.name]: BENCH_SUBJECT,
    [PUBLISHER_ENV.JETSTREAM_STREAM.name]: BENCH_STREAM,
    [PUBLISHER_ENV.ENCODING.name]: 'structured',
    [PUBLISHER_ENV.HTTP_PORT.name]: String(options.httpPort),
    [PUBLISHER_ENV.HEALTH_PORT.name]: String(options.healthPort),
    ...(options.workflowNamespaces
      ? { [PUBLISHER_ENV.WORKFLOW_NAMESPACES.name]: options.workflowNamespaces.join(',') }
      : {}),
  };
}
