import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunCompletionEvent } from '../../../src/contract/index.js';
import { silentLogger } from '../../../src/publisher/log.js';
import { PublisherMetrics } from '../../../src/publisher/metrics.js';
import { startWorkflowSource, type WorkflowSourceHandle } from '../../../src/publisher/workflows/index.js';
import { FakeKubeServer } from '../../support/fake-kube.js';
import { generatedWorkflow } from '../../support/workflow-fixtures.js';
import { generatedNames, waitFor } from './helpers.js';

const leaseDurationMs = 800;
const backlog = 200;

describe('two workflow sources with leader election', () => {
  let kube: FakeKubeServer;
  const handles: WorkflowSourceHandle[] = [];
  const published: { by: string; event: RunCompletionEvent }[] = [];

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
    published.length = 0;
    for (let i = 0; i < backlog; i++) kube.addWorkflow(generatedWorkflow(i));
  });

  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
    await kube.stop();
  });

  const replica = (identity: string): WorkflowSourceHandle => {
    const handle = startWorkflowSource({
      namespaces: ['kubeflow'],
      kubeConfig: kube.kubeConfig(),
      publisher: {
        publish: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          published.push({ by: identity, event });
        },
      },
      source: 'kfp',
      artifactComponent: 'Pusher',
      artifactOutput: 'pushed_model',
      leaderElection: {
        leaseName: 'kfp-events-publisher',
        leaseNamespace: 'kfp-operator',
        identity,
        leaseDurationMs,
        renewDeadlineMs: 500,
        retryPeriodMs: 50,
      },
      logger: silentLogger,
      metrics: new PublisherMetrics(),
    });
    handles.push(handle);
    return handle;
  };

  const labelledCount = (): number =>
    kube
      .listWorkflows('kubeflow')
      .filter((w) => w.metadata?.labels?.['pipelines.kubeflow.org/events-published'] === 'true').length;

  it('publishes only from the leader, once per workflow', async () => {
    const a = replica('a');
    await waitFor('a to lead', () => a.isLeader());
    const b = replica('b');

    await waitFor('every workflow labelled', () => labelledCount() === backlog);

    expect(b.isLeader()).toBe(false);
    expect(new Set(published.map((p) => p.by))).toEqual(new Set(['a']));
    expect(published.map((p) => p.event.data.runName).sort()).toEqual(generatedNames(0, backlog));
  });

  it('stops publishing when the leader loses the lease', async () => {
    const a = replica('a');
    await waitFor('a to lead', () => a.isLeader());
    await waitFor('every workflow labelled', () => labelledCount() === backlog);

    kube.injectFault({ path: /leases/, status: 503, times: 1_000_000 });
    await waitFor('a to stop leading', () => !a.isLeader(), 5_000);
    kube.addWorkflow(generatedWorkflow(backlog));
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(published).toHaveLength(backlog);
    expect(kube.openWatches).toBe(0);
  });

  it('lets the other replica finish the backlog within the lease duration when the leader dies', async () => {
    const a = replica('a');
    await waitFor('a to lead', () => a.isLeader());
    const b = replica('b');
    await waitFor('a to be mid-backlog', () => published.length >= 40);

    await a.stop({ releaseLease: false });
    const died = Date.now();
    const byA = published.length;
    await waitFor('b to lead', () => b.isLeader(), 5_000);
    const takeover = Date.now() - died;
    await waitFor('every workflow labelled', () => labelledCount() === backlog);

    expect(byA).toBeLessThan(backlog);
    expect(takeover).toBeLessThan(leaseDurationMs + 400);
    expect(published.slice(byA).every((p) => p.by === 'b')).toBe(true);
    expect(published.map((p) => p.event.data.runName).sort()).toEqual(generatedNames(0, backlog));
  });
});
