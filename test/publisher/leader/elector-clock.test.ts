import { describe, expect, it } from 'vitest';
import { LeaseElector } from '../../../src/publisher/leader/elector.js';
import type { LeaseApi, LeaseRecord, ObservedLease } from '../../../src/publisher/leader/lease-api.js';
import { silentLogger } from '../../../src/publisher/log.js';

/** One Lease in memory with resourceVersion conflicts, as the API server keeps it. */
class MemoryLease {
  public lease: ObservedLease | undefined;
  private version = 0;

  public api(): LeaseApi {
    return {
      get: () => Promise.resolve(this.lease),
      create: (record) => Promise.resolve(this.write(record, undefined)),
      update: (record, resourceVersion) => Promise.resolve(this.write(record, resourceVersion)),
    };
  }

  private write(record: LeaseRecord, resourceVersion: string | undefined): boolean {
    if (this.lease?.resourceVersion !== resourceVersion) return false;
    this.version += 1;
    this.lease = { record, resourceVersion: String(this.version) };
    return true;
  }
}

/** A virtual clock: waiting advances it, so nothing sleeps. */
class VirtualTime {
  public now = 1_000_000;

  public readonly delay = async (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return;
    this.now += ms;
    await new Promise((resolve) => setImmediate(resolve));
  };
}

describe('LeaseElector on a virtual clock', () => {
  it('takes over from a holder that stopped renewing no sooner than the lease duration and no later than one retry period after', async () => {
    const lease = new MemoryLease();
    const time = new VirtualTime();
    const options = {
      api: lease.api(),
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
      logger: silentLogger,
      now: () => time.now,
      delay: time.delay,
    };
    const a = new LeaseElector({ ...options, identity: 'a' });
    a.start();
    while (!a.isLeader) await new Promise((resolve) => setImmediate(resolve));
    const b = new LeaseElector({ ...options, identity: 'b' });
    b.start();

    await a.stop({ release: false });
    const lastRenewal = time.now;
    while (!b.isLeader) await new Promise((resolve) => setImmediate(resolve));
    const takeover = time.now - lastRenewal;
    await b.stop();

    expect(takeover).toBeGreaterThanOrEqual(15_000 - 2_000);
    expect(takeover).toBeLessThanOrEqual(15_000 + 2_000);
    expect(lease.lease?.record).toMatchObject({
      holderIdentity: '',
      leaseTransitions: 1,
      leaseDurationSeconds: 15,
    });
  });
});
