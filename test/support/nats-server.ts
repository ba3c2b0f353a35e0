import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How clients must authenticate to a test server. */
export type NatsServerAuth =
  | { readonly token: string }
  | { readonly user: string; readonly password: string }
  /** An NKey user: its public key (`U…`). */
  | { readonly nkey: string };

/** A server certificate and key (PEM files) to serve TLS with. */
export interface NatsServerTls {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /**
   * Turn JetStream on, with its store in the server's temporary directory.
   * @default false
   */
  readonly jetstream?: boolean;
  /**
   * Require clients to authenticate.
   * @default - no authentication
   */
  readonly auth?: NatsServerAuth;
  /**
   * Serve TLS only.
   * @default - plain TCP
   */
  readonly tls?: NatsServerTls;
  /**
   * The client port on 127.0.0.1.
   * @default - a free port
   */
  readonly port?: number;
  /**
   * How long to wait for the server to accept connections, in millis.
   * @default 10000
   */
  readonly startTimeoutMs?: number;
  /**
   * The `nats-server` executable.
   * @default 'nats-server' (looked up on the PATH)
   */
  readonly binary?: string;
}

/** A `nats-server` process on a loopback port, started by {@link startNatsServer}. */
export interface NatsServer {
  /** The client port on 127.0.0.1; kept across {@link NatsServer.restart}. */
  readonly port: number;
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** The process id while running, else undefined. */
  readonly pid: number | undefined;
  /** Whether the process is running. */
  readonly running: boolean;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period); the store is kept. */
  stop(options?: StopOptions): Promise<void>;
  /** Stops the process if it runs, then starts it again on the same port with the same store. */
  restart(): Promise<void>;
  /** Stops the process and removes its temporary directory. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** Options of {@link NatsServer.stop}. */
export interface StopOptions {
  /**
   * Millis to wait after SIGTERM before sending SIGKILL; 0 kills at once (a crash).
   * @default 5000
   */
  readonly graceMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const DEFAULT_GRACE_MS = 5_000;
const POLL_INTERVAL_MS = 25;
const STDERR_TAIL_CHARS = 4_000;

/** Every process started here, killed when the test process exits whatever happened. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts a real `nats-server` on a free 127.0.0.1 port with a temporary directory for its config and
 * JetStream store, and resolves once it accepts client connections.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kfp-events-nats-'));
  const port = options.port ?? (await freePort());
  const configFile = join(dir, 'nats.conf');
  writeFileSync(configFile, serverConfig(port, dir, options));

  const binary = options.binary ?? 'nats-server';
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let child: ChildProcess | undefined;
  let disposed = false;

  const start = async (): Promise<void> => {
    child = await launch(binary, configFile, port, startTimeoutMs);
  };
  const stop = async (stopOptions: StopOptions = {}): Promise<void> => {
    const current = child;
    child = undefined;
    if (current) await terminate(current, stopOptions.graceMs ?? DEFAULT_GRACE_MS);
  };

  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    stop,
    restart: async () => {
      if (disposed) throw new Error(`nats-server on port ${port} was disposed and cannot restart`);
      await stop();
      await start();
    },
    dispose: async () => {
      disposed = true;
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function serverConfig(port: number, dir: string, options: NatsServerOptions): string {
  const lines = [`listen: "127.0.0.1:${port}"`, `server_name: "test-${port}"`];
  if (options.jetstream) lines.push(`jetstream { store_dir: ${JSON.stringify(join(dir, 'js'))} }`);
  if (options.tls) {
    lines.push(
      `tls { cert_file: ${JSON.stringify(options.tls.certFile)}, key_file: ${JSON.stringify(options.tls.keyFile)} }`,
    );
  }
  if (options.auth && 'token' in options.auth) {
    lines.push(`authorization { token: ${JSON.stringify(options.auth.token)} }`);
  } else if (options.auth && 'nkey' in options.auth) {
    lines.push(`authorization { users: [ { nkey: ${JSON.stringify(options.auth.nkey)} } ] }`);
  } else if (options.auth) {
    lines.push(
      `authorization { user: ${JSON.stringify(options.auth.user)}, password: ${JSON.stringify(options.auth.password)} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function launch(binary: string, configFile: string, port: number, timeoutMs: number) {
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let stderr = '';
  let exit: string | undefined;
  let spawnError: Error | undefined;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  child.once('error', (err) => {
    spawnError = err;
  });
  child.once('exit', (code, signal) => {
    live.delete(child);
    exit = signal ?? `code ${code}`;
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`cannot run ${binary}: ${spawnError.message}`, { cause: spawnError });
    if (exit !== undefined)
      throw new Error(`nats-server exited (${exit}) before accepting clients:\n${stderr}`);
    if (await acceptsClients(port)) return child;
    await sleep(POLL_INTERVAL_MS);
  }
  await terminate(child, 0);
  throw new Error(
    `nats-server did not accept clients on 127.0.0.1:${port} within ${timeoutMs} ms:\n${stderr}`,
  );
}

/** True once the server answers a TCP connection with its `INFO` line. */
function acceptsClients(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith('INFO ')));
  });
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (graceMs > 0) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    return;
  }
  child.kill('SIGKILL');
  await exited;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a free port'));
      });
    });
  });
}
