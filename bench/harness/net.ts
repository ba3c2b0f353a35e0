import { request } from 'node:http';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 50;

/** A TCP port that was free on 127.0.0.1 a moment ago (the tests' helper, shared). */
export { freePort } from '../../test/support/nats-server.js';

/** True when a TCP connection to 127.0.0.1:`port` opens and the peer sends `greeting` first. */
export function answersWith(port: number, greeting: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith(greeting)));
  });
}

/** The status code of `GET http://127.0.0.1:<port><path>`, or undefined when nothing answers. */
export function httpStatus(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls `probe` until it returns true or `timeoutMs` passes; returns whether it did. `abort` is checked
 * on every round so that a process that died stops the wait early.
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  abort: () => boolean = () => false,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !abort()) {
    if (await probe()) return true;
    await sleep(POLL_INTERVAL_MS);
  }
  return false;
}
