import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answersWith, freePort, waitUntil } from './net.js';
import { startProcess, type RunningProcess } from './process.js';

const NATS_SERVER = 'nats-server';
const START_TIMEOUT_MS = 10_000;

/** A `nats-server` on a loopback port, started for one bench mode. */
export interface BenchNatsServer {
  readonly url: string;
  readonly process: RunningProcess;
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
}

/** Starts `nats-server` on a free 127.0.0.1 port, with JetStream (and a temporary store) when asked. */
export async function startNatsServer(jetstream: boolean): Promise<BenchNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kfp-events-bench-nats-'));
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), ...(jetstream ? ['-js', '-sd', dir] : [])];
  const server = startProcess(NATS_SERVER, args, { cwd: dir, env: process.env });
  const dispose = async (): Promise<void> => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  const up = await waitUntil(
    () => answersWith(port, 'INFO '),
    START_TIMEOUT_MS,
    () => server.exited,
  );
  if (!up) {
    await dispose();
    throw new Error(`nats-server did not accept clients on 127.0.0.1:${port}:\n${server.stderrTail()}`);
  }
  return { url: `nats://127.0.0.1:${port}`, process: server, dispose };
}
