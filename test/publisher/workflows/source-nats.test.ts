import { connect, type NatsConnection } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/publisher/log.js';
import { PublisherMetrics } from '../../../src/publisher/metrics.js';
import type { NatsEventPublisher } from '../../../src/publisher/sink.js';
import { startWorkflowSource, type WorkflowSourceHandle } from '../../../src/publisher/workflows/index.js';
import { FakeKubeServer } from '../../support/fake-kube.js';
import { startNatsServer, type NatsServer } from '../../support/nats-server.js';
import { generatedWorkflow } from '../../support/workflow-fixtures.js';
import { collect, startSink, type SeenMessage } from '../support.js';
import { generatedNames, waitFor } from './helpers.js';

const backlog = 30;

describe('the workflow source on a real NATS bus', () => {
  let kube: FakeKubeServer;
  let nats: NatsServer;
  let sink: NatsEventPublisher;
  let subscriber: NatsConnection;
  let seen: SeenMessage[];
  let handle: WorkflowSourceHandle | undefined;
  let metrics: PublisherMetrics;

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
    nats = await startNatsServer();
    sink = startSink(nats);
    subscriber = await connect({ servers: nats.url });
    seen = await collect(subscriber, 'events');
    metrics = new PublisherMetrics();
    for (let i = 0; i < backlog; i++) kube.addWorkflow(generatedWorkflow(i));
  });

  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    await sink.close(2_000);
    await subscriber.close();
    await nats.dispose();
    await kube.stop();
  });

  const start = (): WorkflowSourceHandle =>
    (handle = startWorkflowSource({
      namespaces: ['kubeflow'],
      kubeConfig: kube.kubeConfig(),
      publisher: sink,
      source: 'kfp',
      artifactComponent: 'Pusher',
      artifactOutput: 'pushed_model',
      logger: silentLogger,
      metrics,
      backoff: { initialMs: 20, factor: 2, maxMs: 200 },
    }));

  const labelledCount = (): number =>
    kube
      .listWorkflows('kubeflow')
      .filter((w) => w.metadata?.labels?.['pipelines.kubeflow.org/events-published'] === 'true').length;

  const runNames = (): string[] =>
    seen.map((m) => (JSON.parse(m.payload) as { data: { runName: string } }).data.runName).sort();

  it('puts every finished workflow of the backlog on the bus once, then labels it', async () => {
    start();
    await waitFor('every workflow labelled', () => labelledCount() === backlog);
    await subscriber.flush();

    expect(runNames()).toEqual(generatedNames(0, backlog));
    expect(seen[0]?.headers['content-type']).toBe('application/cloudevents+json');
  });

  it('holds the backlog while the bus is down and publishes it all once the bus is back', async () => {
    await nats.stop();
    start();
    await waitFor('a full backlog', () => handle?.backlog() === backlog);
    expect(labelledCount()).toBe(0);

    await nats.restart();
    await waitFor('every workflow labelled', () => labelledCount() === backlog, 20_000);

    await waitFor('an empty backlog', () => handle?.backlog() === 0);
    const outcomes = (await metrics.events.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(outcomes).toContainEqual(['published', backlog]);
    expect(outcomes.find(([outcome]) => outcome === 'unavailable')?.[1]).toBeGreaterThanOrEqual(backlog);
  });
});
