import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { servingModelArtifactName } from '../../../src/contract/index.js';
import {
  MlmdUnavailableError,
  type MlmdClient,
  type ServingModelQuery,
} from '../../../src/publisher/mlmd/client.js';
import { createMlmdClient } from '../../../src/publisher/mlmd/grpc-client.js';
import { FakeMlmdServer } from '../../support/fake-mlmd.js';

const pushed = { pushed: { int_value: '1' } };

const v1Query: ServingModelQuery = {
  pipelineName: 'penguin-pipeline',
  workflowName: 'penguin-pipeline-x7k2p',
  runId: 'run-1',
  kfpV2: false,
  component: 'Pusher',
  output: 'pushed_model',
};

describe('createMlmdClient', () => {
  let mlmd: FakeMlmdServer;
  let client: MlmdClient;

  beforeEach(async () => {
    mlmd = await FakeMlmdServer.start();
    client = createMlmdClient({ address: mlmd.address, deadlineMs: 2_000 });
  });

  afterEach(async () => {
    client.close();
    await mlmd.stop();
  });

  it('returns the pushed models of a KFP v1 run in id order, across pages', async () => {
    mlmd.addContext('pipeline_run', 'penguin-pipeline-x7k2p', [
      { type: 'Examples', uri: 'gs://b/examples' },
      {
        type: 'PushedModel',
        uri: 'gs://b/serving/1',
        customProperties: { ...pushed, name: { string_value: 'named' } },
      },
      { type: 'PushedModel', uri: 'gs://b/serving/2', customProperties: pushed, omitTypeName: true },
      { type: 'PushedModel', uri: 'gs://b/serving/3', customProperties: { pushed: { int_value: '0' } } },
      { type: 'PushedModel', uri: '', customProperties: pushed },
    ]);

    const artifacts = await client.servingModelArtifacts(v1Query);

    expect(artifacts).toEqual([
      { name: 'named', location: 'gs://b/serving/1' },
      {
        name: servingModelArtifactName('penguin-pipeline', 'penguin-pipeline-x7k2p', 1),
        location: 'gs://b/serving/2',
      },
    ]);
    expect(mlmd.calls.filter((c) => c === 'GetArtifactsByContext')).toHaveLength(3);
  });

  it('builds names from the configured component and output', async () => {
    mlmd.addContext('pipeline_run', 'penguin-pipeline-x7k2p', [
      { type: 'PushedModel', uri: 'gs://b/serving/9', customProperties: pushed },
    ]);

    const artifacts = await client.servingModelArtifacts({
      ...v1Query,
      component: 'Deployer',
      output: 'model',
    });

    expect(artifacts).toEqual([
      { name: 'penguin-pipeline:penguin-pipeline-x7k2p:Deployer:model:0', location: 'gs://b/serving/9' },
    ]);
  });

  it('looks a KFP v2 run up by its run id under system.PipelineRun', async () => {
    mlmd.addContext('system.PipelineRun', 'run-1', [
      { type: 'PushedModel', uri: 'gs://b/v2/serving', customProperties: pushed },
    ]);

    const artifacts = await client.servingModelArtifacts({ ...v1Query, kfpV2: true });

    expect(artifacts?.map((a) => a.location)).toEqual(['gs://b/v2/serving']);
  });

  it('returns undefined when MLMD has no context for the run', async () => {
    await expect(client.servingModelArtifacts(v1Query)).resolves.toBeUndefined();
  });

  it('returns no models when the run context has no PushedModel type registered', async () => {
    mlmd.addContext('pipeline_run', 'penguin-pipeline-x7k2p', [{ type: 'Model', uri: 'gs://b/model' }]);

    await expect(client.servingModelArtifacts(v1Query)).resolves.toEqual([]);
  });

  it('throws MlmdUnavailableError naming the address and the call when MLMD fails', async () => {
    mlmd.unavailable = true;

    const failure = client.servingModelArtifacts(v1Query);

    await expect(failure).rejects.toThrowError(MlmdUnavailableError);
    await expect(failure).rejects.toThrowError(
      `ML Metadata at ${mlmd.address} failed GetContextByTypeAndName: fake MLMD is unavailable`,
    );
  });

  it('throws MlmdUnavailableError when nothing listens at the address', async () => {
    const address = mlmd.address;
    await mlmd.stop();
    const unreachable = createMlmdClient({ address, deadlineMs: 500 });

    try {
      await expect(unreachable.servingModelArtifacts(v1Query)).rejects.toThrowError(
        new RegExp(`^ML Metadata at ${address} failed GetContextByTypeAndName: `),
      );
    } finally {
      unreachable.close();
    }
  });
});
