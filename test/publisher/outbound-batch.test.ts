import { describe, expect, it } from 'vitest';
import { OutboundBatch } from '../../src/publisher/outbound-batch.js';

/** A scheduler the test runs by hand. */
function manualScheduler(): { schedule: (run: () => void) => void; runAll(): number } {
  const queued: Array<() => void> = [];
  return {
    schedule: (run) => queued.push(run),
    runAll: () => {
      const runs = queued.splice(0);
      for (const run of runs) run();
      return runs.length;
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OutboundBatch', () => {
  it('sends nothing until the scheduled turn, then sends every submitted publish and confirms them once', async () => {
    const scheduler = manualScheduler();
    const sent: string[] = [];
    let confirmations = 0;
    let confirm: () => void = () => undefined;
    const batch = new OutboundBatch(() => {
      confirmations += 1;
      sent.push('confirm');
      return new Promise<void>((resolve) => (confirm = resolve));
    }, scheduler.schedule);
    const resolved: number[] = [];

    for (const i of [0, 1, 2]) {
      void batch.submit(() => void sent.push(`publish ${i}`)).then(() => resolved.push(i));
    }
    expect(sent).toEqual([]);

    expect(scheduler.runAll()).toBe(1);
    expect(sent).toEqual(['publish 0', 'publish 1', 'publish 2', 'confirm']);
    await settle();
    expect(resolved).toEqual([]);

    confirm();
    await settle();
    expect(resolved).toEqual([0, 1, 2]);
    expect(confirmations).toBe(1);
  });

  it('rejects only the publish whose send throws, and every publish of a batch whose confirmation fails', async () => {
    const scheduler = manualScheduler();
    let fail = false;
    const batch = new OutboundBatch(
      () => (fail ? Promise.reject(new Error('flush failed')) : Promise.resolve()),
      scheduler.schedule,
    );

    const first = Promise.allSettled([
      batch.submit(() => undefined),
      batch.submit(() => {
        throw new Error('connection closed');
      }),
    ]);
    scheduler.runAll();
    expect((await first).map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual([
      'ok',
      'connection closed',
    ]);

    fail = true;
    const second = Promise.allSettled([batch.submit(() => undefined), batch.submit(() => undefined)]);
    scheduler.runAll();
    expect((await second).map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual(
      ['flush failed', 'flush failed'],
    );
  });

  it('waits for the promise a send returns (a JetStream PubAck) as well as the confirmation', async () => {
    const scheduler = manualScheduler();
    const batch = new OutboundBatch(() => Promise.resolve(), scheduler.schedule);
    let ack: () => void = () => undefined;
    let done = false;

    const publish = batch
      .submit(() => new Promise<void>((resolve) => (ack = resolve)))
      .then(() => (done = true));
    scheduler.runAll();
    await settle();
    expect(done).toBe(false);

    ack();
    await publish;
    expect(done).toBe(true);
  });

  it('schedules a new batch for publishes submitted after a batch went out', () => {
    const scheduler = manualScheduler();
    const batch = new OutboundBatch(() => Promise.resolve(), scheduler.schedule);

    void batch.submit(() => undefined);
    void batch.submit(() => undefined);
    expect(scheduler.runAll()).toBe(1);
    void batch.submit(() => undefined);
    expect(scheduler.runAll()).toBe(1);
    expect(scheduler.runAll()).toBe(0);
  });
});
