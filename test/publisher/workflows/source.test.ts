import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/publisher/log.js';
import { PublisherMetrics } from '../../../src/publisher/metrics.js';
import { startWorkflowSource, type WorkflowSourceHandle } from '../../../src/publisher/workflows/index.js';
import { FakeKubeServer } from '../../support/fake-kube.js';
import { generatedWorkflow } from '../../support/workflow-fixtures.js';
import { generatedNames, RecordingSink, recordingDelay, waitFor } from './helpers.js';

const ns = 'kubeflow';
const published = 'pipelines.kubeflow.org/events-published';

describe('startWorkflowSource', () => {
  let kube: FakeKubeServer;
  let sink: RecordingSink;
  let metrics: PublisherMetrics;
  let handle: WorkflowSourceHandle | undefined;
  const timing = recordingDelay();

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
    sink = new RecordingSink();
    metrics = new PublisherMetrics();
    timing.waits.length = 0;
  });

  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    await kube.stop();
  });

  const start = (): WorkflowSourceHandle =>
    (handle = startWorkflowSource({
      namespaces: [ns],
      kubeConfig: kube.kubeConfig(),
      publisher: sink,
      source: 'kfp',
      artifactComponent: 'Pusher',
      artifactOutput: 'pushed_model',
      logger: silentLogger,
      metrics,
      pageSize: 3,
      delay: timing.delay,
    }));

  const labelled = (name: string): boolean =>
    kube.getWorkflow(ns, name)?.metadata?.labels?.[published] === 'true';

  it('publishes and labels the backlog of finished workflows on start, page by page', async () => {
    for (let i = 0; i < 10; i++) kube.addWorkflow(generatedWorkflow(i));

    start();
    await waitFor('10 labelled workflows', () => generatedNames(0, 10).every(labelled));

    expect(sink.runNames()).toEqual(generatedNames(0, 10));
    const lists = kube.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true');
    expect(lists.map((r) => [r.query.get('limit'), r.query.get('labelSelector')])).toEqual(
      Array.from({ length: 4 }, () => ['3', `!${published}`]),
    );
    expect(lists[1]?.query.get('continue')).toMatch(/:3$/);
  });

  it('lists the next page of the backlog only while fewer than two pages of workflows wait', async () => {
    for (let i = 0; i < 20; i++) kube.addWorkflow(generatedWorkflow(i));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = sink.publish.bind(sink);
    sink.publish = async (event) => {
      await held;
      return holding(event);
    };
    const lists = (): number =>
      kube.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true').length;

    start();
    await waitFor('two pages listed', () => lists() === 2);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(lists()).toBe(2);
    expect(handle?.backlog()).toBe(6);

    release();
    await waitFor('20 labelled workflows', () => generatedNames(0, 20).every(labelled));
    expect(sink.runNames()).toEqual(generatedNames(0, 20));
    expect(lists()).toBe(7);
  });

  it('skips workflows already labelled and those not finished', async () => {
    kube.addWorkflow(generatedWorkflow(0, { labels: { [published]: 'true' } }));
    kube.addWorkflow(generatedWorkflow(1, { phase: 'Running' }));
    kube.addWorkflow(generatedWorkflow(2));

    start();
    await waitFor('workflow 2 labelled', () => labelled('penguin-pipeline-00002'));
    await waitFor('the watch to open', () => kube.openWatches === 1);

    expect(sink.runNames()).toEqual(['penguin-pipeline-00002']);
    expect(labelled('penguin-pipeline-00001')).toBe(false);
  });

  it('publishes a workflow the watch sees finish, with its times and status', async () => {
    kube.addWorkflow(generatedWorkflow(1, { phase: 'Running' }));
    start();
    await waitFor('the watch to open', () => kube.openWatches === 1);

    kube.updateWorkflow(ns, 'penguin-pipeline-00001', (wf) => ({
      ...wf,
      metadata: {
        ...wf.metadata,
        labels: { ...wf.metadata?.labels, 'workflows.argoproj.io/phase': 'Failed' },
      },
      status: { ...(wf.status as object), phase: 'Failed', finishedAt: '2026-01-01T11:00:00Z' },
    }));
    await waitFor('workflow 1 labelled', () => labelled('penguin-pipeline-00001'));

    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]?.data).toMatchObject({ status: 'failed', runEndTime: '2026-01-01T11:00:00Z' });
  });

  it('lists again after 410 Gone without losing or double-publishing a workflow', async () => {
    for (let i = 0; i < 3; i++) kube.addWorkflow(generatedWorkflow(i));
    start();
    await waitFor('backlog labelled', () => generatedNames(0, 3).every(labelled));
    await waitFor('the watch to open', () => kube.openWatches === 1);

    kube.endWatches();
    for (let i = 3; i < 6; i++) kube.addWorkflow(generatedWorkflow(i));
    kube.expireResourceVersions();
    await waitFor('all labelled', () => generatedNames(0, 6).every(labelled));

    expect(sink.runNames()).toEqual(generatedNames(0, 6));
    const lists = kube.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true');
    expect(lists).toHaveLength(2);
  });

  it('reconnects the watch from the last version when the stream ends', async () => {
    start();
    await waitFor('the watch to open', () => kube.openWatches === 1);
    const firstWatch = kube.requests.find((r) => r.query.get('watch') === 'true');

    kube.endWatches();
    kube.addWorkflow(generatedWorkflow(7));
    await waitFor('workflow 7 labelled', () => labelled('penguin-pipeline-00007'));

    const watches = kube.requests.filter((r) => r.query.get('watch') === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(watches[1]?.query.get('resourceVersion')).toBe(firstWatch?.query.get('resourceVersion'));
    expect(sink.runNames()).toEqual(['penguin-pipeline-00007']);
  });

  it('resumes the watch from the version of the last bookmark', async () => {
    start();
    await waitFor('the watch to open', () => kube.openWatches === 1);
    kube.addWorkflow(generatedWorkflow(1, { phase: 'Running' }));
    kube.deleteWorkflow(ns, 'penguin-pipeline-00001');
    kube.bookmark();
    const bookmarked = String(kube.currentResourceVersion);
    await new Promise((resolve) => setTimeout(resolve, 50));

    kube.endWatches();
    await waitFor(
      'a second watch',
      () => kube.requests.filter((r) => r.query.get('watch') === 'true').length === 2,
    );

    const watches = kube.requests.filter((r) => r.query.get('watch') === 'true');
    expect(watches[1]?.query.get('resourceVersion')).toBe(bookmarked);
    expect(watches[1]?.query.get('timeoutSeconds')).toBe('300');
  });

  it('skips a malformed workflow, counts it and goes on with the others', async () => {
    const broken = generatedWorkflow(1);
    kube.addWorkflow({
      ...broken,
      metadata: { ...broken.metadata, annotations: { 'pipelines.kubeflow.org/pipeline_spec': 'not json' } },
    });
    kube.addWorkflow(generatedWorkflow(2));

    start();
    await waitFor('workflow 2 labelled', () => labelled('penguin-pipeline-00002'));

    expect(sink.runNames()).toEqual(['penguin-pipeline-00002']);
    expect(labelled('penguin-pipeline-00001')).toBe(false);
    expect((await metrics.workflowsSkipped.get()).values).toEqual([
      { labels: { reason: 'malformed' }, value: 1 },
    ]);
  });

  it('retries a workflow whose publish failed, with backoff, and never drops it', async () => {
    sink.failures = 3;
    kube.addWorkflow(generatedWorkflow(1));

    start();
    await waitFor('workflow 1 labelled', () => labelled('penguin-pipeline-00001'));

    expect(sink.attempts).toBe(4);
    expect(sink.runNames()).toEqual(['penguin-pipeline-00001']);
    expect(timing.waits.slice(0, 3)).toEqual([500, 1000, 2000]);
    await waitFor('an empty backlog', () => handle?.backlog() === 0);
  });

  it('publishes once and labels again when labelling failed', async () => {
    kube.injectFault({ method: 'PATCH', status: 500, times: 2 });
    kube.addWorkflow(generatedWorkflow(1));

    start();
    await waitFor('workflow 1 labelled', () => labelled('penguin-pipeline-00001'));

    expect(sink.attempts).toBe(1);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('retries the list when the API server fails', async () => {
    kube.injectFault({ method: 'GET', path: /workflows$/, status: 503, times: 2 });
    kube.addWorkflow(generatedWorkflow(1));

    start();
    await waitFor('workflow 1 labelled', () => labelled('penguin-pipeline-00001'));

    expect(timing.waits.slice(0, 2)).toEqual([500, 1000]);
  });

  it('reports the backlog while the bus is down', async () => {
    sink.failures = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) kube.addWorkflow(generatedWorkflow(i));

    const source = start();
    await waitFor('a backlog of 5', () => source.backlog() === 5);

    expect((await metrics.backlog.get()).values[0]?.value).toBe(5);
    sink.failures = 0;
    await waitFor('backlog drained', () => source.backlog() === 0);
    expect(sink.runNames()).toEqual(generatedNames(0, 5));
  });
});
