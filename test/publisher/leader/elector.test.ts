import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseElector } from '../../../src/publisher/leader/elector.js';
import { kubeLeaseApi } from '../../../src/publisher/leader/lease-api.js';
import { silentLogger } from '../../../src/publisher/log.js';
import { FakeKubeServer } from '../../support/fake-kube.js';
import { waitFor } from '../workflows/helpers.js';

const leaseDurationMs = 600;

describe('LeaseElector', () => {
  let kube: FakeKubeServer;
  const electors: LeaseElector[] = [];
  const log: string[] = [];

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
    log.length = 0;
  });

  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop({ release: false })));
    await kube.stop();
  });

  const candidate = (identity: string): LeaseElector => {
    const elector = new LeaseElector({
      api: kubeLeaseApi(kube.kubeConfig(), 'ops', 'kfp-events-publisher'),
      identity,
      leaseDurationMs,
      renewDeadlineMs: 400,
      retryPeriodMs: 50,
      onStartedLeading: () => void log.push(`${identity} started`),
      onStoppedLeading: () => void log.push(`${identity} stopped`),
      logger: silentLogger,
    });
    electors.push(elector);
    elector.start();
    return elector;
  };

  it('lets exactly one of two candidates lead and records it in the Lease', async () => {
    const a = candidate('a');
    await waitFor('a to lead', () => a.isLeader);
    const b = candidate('b');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(kube.getLease('ops', 'kfp-events-publisher')?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
      renewTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) as unknown,
    });
  });

  it('hands over at once when the leader releases the lease', async () => {
    const a = candidate('a');
    await waitFor('a to lead', () => a.isLeader);
    const b = candidate('b');

    const released = Date.now();
    await a.stop();
    await waitFor('b to lead', () => b.isLeader);

    expect(Date.now() - released).toBeLessThan(leaseDurationMs);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    expect(kube.getLease('ops', 'kfp-events-publisher')?.spec).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: 1,
    });
  });

  it('takes over a lease its crashed holder no longer renews, within the lease duration', async () => {
    const a = candidate('a');
    await waitFor('a to lead', () => a.isLeader);
    const b = candidate('b');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const crashed = Date.now();
    await a.stop({ release: false });
    await waitFor('b to lead', () => b.isLeader, 5_000);

    expect(Date.now() - crashed).toBeLessThan(leaseDurationMs + 400);
    expect(Date.now() - crashed).toBeGreaterThanOrEqual(leaseDurationMs - 150);
  });

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const a = candidate('a');
    await waitFor('a to lead', () => a.isLeader);

    kube.injectFault({ method: 'GET', path: /leases/, status: 500, times: 1_000 });
    await waitFor('a to stop leading', () => !a.isLeader, 5_000);

    expect(log).toEqual(['a started', 'a stopped']);
  });

  it('refuses timings that would let two leaders overlap', () => {
    expect(
      () =>
        new LeaseElector({
          api: kubeLeaseApi(kube.kubeConfig(), 'ops', 'l'),
          identity: 'a',
          leaseDurationMs: 1000,
          renewDeadlineMs: 1000,
          onStartedLeading: () => undefined,
          onStoppedLeading: () => undefined,
          logger: silentLogger,
        }),
    ).toThrowError(
      new RangeError(
        'leader election needs retryPeriodMs < renewDeadlineMs < leaseDurationMs, got 142 < 1000 < 1000',
      ),
    );
  });
});
