import { describe, expect, it } from 'vitest';
import { FlushCoalescer } from '../../src/publisher/flush-coalescer.js';

/** A flush whose round-trips the test answers one by one. */
function controlledFlush(): {
  flush: () => Promise<void>;
  readonly started: number;
  answer(): void;
  fail(error: Error): void;
} {
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let started = 0;
  return {
    flush: () => {
      started += 1;
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
    get started() {
      return started;
    },
    answer: () => pending.shift()?.resolve(),
    fail: (error) => pending.shift()?.reject(error),
  };
}

/** Lets every queued promise reaction run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Records when each promise settles, in order. */
function track(promises: Array<Promise<void>>): string[] {
  const log: string[] = [];
  for (const [i, promise] of promises.entries()) {
    promise.then(
      () => log.push(`${i}:ok`),
      (error: Error) => log.push(`${i}:${error.message}`),
    );
  }
  return log;
}

describe('FlushCoalescer', () => {
  it('starts one round-trip for a publish when none is in flight, and resolves when it is answered', async () => {
    const server = controlledFlush();
    const coalescer = new FlushCoalescer(server.flush);

    const log = track([coalescer.confirm()]);
    await settle();
    expect(server.started).toBe(1);
    expect(log).toEqual([]);

    server.answer();
    await settle();
    expect(log).toEqual(['0:ok']);
  });

  it('confirms every publish issued during a round-trip with one further round-trip, not with the one in flight', async () => {
    const server = controlledFlush();
    const coalescer = new FlushCoalescer(server.flush);

    const first = coalescer.confirm();
    const waiting = Array.from({ length: 50 }, () => coalescer.confirm());
    const log = track([first, ...waiting]);
    await settle();
    expect(server.started).toBe(1);

    server.answer();
    await settle();
    expect(log).toEqual(['0:ok']);
    expect(server.started).toBe(2);

    server.answer();
    await settle();
    expect(log).toHaveLength(51);
    expect(log.every((entry) => entry.endsWith(':ok'))).toBe(true);
    expect(server.started).toBe(2);
  });

  it('rejects every publish a failed round-trip covered, and starts afresh for later ones', async () => {
    const server = controlledFlush();
    const coalescer = new FlushCoalescer(server.flush);

    const first = coalescer.confirm();
    const log = track([first, coalescer.confirm(), coalescer.confirm()]);
    server.answer();
    await settle();
    server.fail(new Error('connection closed'));
    await settle();
    expect(log).toEqual(['0:ok', '1:connection closed', '2:connection closed']);

    const later = track([coalescer.confirm()]);
    await settle();
    expect(server.started).toBe(3);
    server.answer();
    await settle();
    expect(later).toEqual(['0:ok']);
  });

  it('rejects the publishes waiting for the next round-trip when the one in flight fails, since the connection may have dropped them', async () => {
    const server = controlledFlush();
    const coalescer = new FlushCoalescer(server.flush);

    const log = track([coalescer.confirm(), coalescer.confirm(), coalescer.confirm()]);
    server.fail(new Error('disconnected'));
    await settle();
    expect(log).toEqual(['0:disconnected', '1:disconnected', '2:disconnected']);
    expect(server.started).toBe(1);

    const later = track([coalescer.confirm()]);
    await settle();
    expect(server.started).toBe(2);
    server.answer();
    await settle();
    expect(later).toEqual(['0:ok']);
  });

  it('turns a flush that throws at once into a rejection', async () => {
    const coalescer = new FlushCoalescer(() => {
      throw new Error('connection is closed');
    });

    await expect(coalescer.confirm()).rejects.toThrow(new Error('connection is closed'));
  });
});
