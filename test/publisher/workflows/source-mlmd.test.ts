import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/publisher/log.js';
import { PublisherMetrics } from '../../../src/publisher/metrics.js';
import type { MlmdClient } from '../../../src/publisher/mlmd/client.js';
import { createMlmdClient } from '../../../src/publisher/mlmd/grpc-client.js';
import { startWorkflowSource, type WorkflowSourceHandle } from '../../../src/publisher/workflows/index.js';
import { FakeKubeServer } from '../../support/fake-kube.js';
import { FakeMlmdServer } from '../../support/fake-mlmd.js';
import { generatedWorkflow } from '../../support/workflow-fixtures.js';
import { RecordingSink, recordingDelay, waitFor } from './helpers.js';

const name = 'penguin-pipeline-00001';

describe('startWorkflowSource with ML Metadata', () => {
  let kube: FakeKubeServer;
  let mlmd: FakeMlmdServer;
  let client: MlmdClient;
  let sink: RecordingSink;
  let handle: WorkflowSourceHandle | undefined;
  const timing = recordingDelay();

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
    mlmd = await FakeMlmdServer.start();
    client = createMlmdClient({ address: mlmd.address, deadlineMs: 2_000 });
    sink = new RecordingSink();
    timing.waits.length = 0;
    kube.addWorkflow(generatedWorkflow(1));
  });

  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    client.close();
    await mlmd.stop();
    await kube.stop();
  });

  const start = (): WorkflowSourceHandle =>
    (handle = startWorkflowSource({
      namespaces: ['kubeflow'],
      kubeConfig: kube.kubeConfig(),
      publisher: sink,
      source: 'kfp',
      mlmd: client,
      artifactComponent: 'Pusher',
      artifactOutput: 'pushed_model',
      logger: silentLogger,
      metrics: new PublisherMetrics(),
      mlmdContextAttempts: 3,
      delay: timing.delay,
    }));

  const labelled = (): boolean =>
    kube.getWorkflow('kubeflow', name)?.metadata?.labels?.['pipelines.kubeflow.org/events-published'] ===
    'true';

  it('waits while MLMD is unreachable, then publishes with the pushed models', async () => {
    mlmd.unavailable = true;
    mlmd.addContext('pipeline_run', name, [
      { type: 'PushedModel', uri: 'gs://b/serving/1', customProperties: { pushed: { int_value: '1' } } },
    ]);

    start();
    await waitFor('three failed lookups', () => mlmd.calls.length >= 3);
    expect(sink.events).toEqual([]);
    expect(labelled()).toBe(false);

    mlmd.unavailable = false;
    await waitFor('the workflow labelled', labelled);

    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]?.data.servingModelArtifacts).toEqual([
      { name: `penguin-pipeline:${name}:Pusher:pushed_model:0`, location: 'gs://b/serving/1' },
    ]);
  });

  it('publishes without serving models after a bounded number of lookups find no run context', async () => {
    start();
    await waitFor('the workflow labelled', labelled);

    expect(mlmd.calls.filter((c) => c === 'GetContextByTypeAndName')).toHaveLength(3);
    expect(timing.waits.slice(0, 2)).toEqual([500, 1000]);
    expect(sink.events[0]?.data.servingModelArtifacts).toEqual([]);
  });
});
