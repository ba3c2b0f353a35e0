import { describe, expect, it } from 'vitest';
import { runCompletionEventId, validateRunCompletionData } from '../../../src/contract/index.js';
import { MalformedWorkflowError } from '../../../src/publisher/workflows/errors.js';
import { workflowStatus, workflowToEvent } from '../../../src/publisher/workflows/mapping.js';
import type { Workflow } from '../../../src/publisher/workflows/workflow.js';
import {
  finishedWorkflow,
  generatedWorkflow,
  haveWorkflowFixtures,
  loadWorkflowFixture,
  WORKFLOW_FIXTURES_DIR,
  workflowFixtureFiles,
} from '../../support/workflow-fixtures.js';

const source = 'kfp';

if (!haveWorkflowFixtures) {
  console.warn(
    `skipped: the shared sample workflow tests need ${WORKFLOW_FIXTURES_DIR} (../shared is absent)`,
  );
}

describe.skipIf(!haveWorkflowFixtures)('workflowToEvent on the shared sample workflows', () => {
  it('maps the captured KFP v1 run that succeeded', () => {
    const workflow = loadWorkflowFixture('kfp-v1_retry-random-failures_run-succeeded_with-status.json');

    const event = workflowToEvent(workflow, { source });

    expect(event.id).toBe(runCompletionEventId('kfp', '3b673760-f297-42d4-a55d-32e7beba394a'));
    expect(event.source).toBe('kfp');
    expect(event.time).toBe('2020-09-08T08:19:25Z');
    expect(event.data).toEqual({
      status: 'succeeded',
      pipelineName: 'Retry random failures',
      servingModelArtifacts: [],
      runId: '2f9a3d50-454c-4979-be8d-f222bc245bc1',
      runName: 'retry-random-failures-p9snt',
      namespace: 'kubeflow',
      runStartTime: '2020-09-08T08:19:12Z',
      runEndTime: '2020-09-08T08:19:25Z',
      provider: 'kfp',
    });
  });

  it('maps a failed run without a run id label, naming the pipeline after the entrypoint', () => {
    const workflow = loadWorkflowFixture('kfp-backend-test_resubmit_workflow-failed_with-status.yaml');

    const event = workflowToEvent(workflow, { source });

    expect(event.data).toEqual({
      status: 'failed',
      pipelineName: 'rand-fail-dag',
      servingModelArtifacts: [],
      runName: 'resubmit-hl9ft',
      namespace: 'kubeflow',
      runStartTime: '2021-05-26T09:14:07Z',
      runEndTime: '2021-05-26T09:14:29Z',
      provider: 'kfp',
    });
  });

  it('maps the UI mock runs (failed with no nodes, succeeded with skipped nodes)', () => {
    const failed = workflowToEvent(
      loadWorkflowFixture('kfp-ui-mock_coinflip-error_workflow-failed_with-status.json'),
      { source },
    );
    const succeeded = workflowToEvent(
      loadWorkflowFixture('kfp-ui-mock_coinflip-recursive_succeeded_output-parameters.json'),
      { source },
    );

    expect([failed.data.status, failed.data.pipelineName, failed.data.runName]).toEqual([
      'failed',
      'coinflip',
      'coinflip-error-nklng2',
    ]);
    expect([succeeded.data.status, succeeded.data.pipelineName, succeeded.id]).toEqual([
      'succeeded',
      'coinflip',
      runCompletionEventId('kfp', '114660ca-4282-11e8-bba7-42010a8a0fc2'),
    ]);
  });

  it('names compiled pipelines from the pipeline_spec annotation once they have run', () => {
    const tfx = finishedWorkflow(
      loadWorkflowFixture('tfx-0.15_parameterized-tfx-oss_chicago-taxi_with-pusher_compiled-kfp-v1.yaml'),
      { name: 'parameterized-tfx-oss-abcde', labels: { 'pipeline/runid': 'r-1' } },
    );
    const v2compatible = finishedWorkflow(
      loadWorkflowFixture('kfp-sdk-1.8_v2-compatible_two-step_compiled_pipeline-root-param.yaml'),
      { name: 'my-test-pipeline-xyz12', phase: 'Error' },
    );

    expect(workflowToEvent(tfx, { source }).data).toMatchObject({
      pipelineName: 'parameterized_tfx_oss',
      runId: 'r-1',
      status: 'succeeded',
    });
    expect(workflowToEvent(v2compatible, { source }).data).toMatchObject({
      pipelineName: 'my-test-pipeline',
      status: 'failed',
    });
  });

  it('names a KFP v2 run after its generateName stem, not the generic entrypoint', () => {
    const v2 = finishedWorkflow(loadWorkflowFixture('kfp-v2-argocompiler_two-step-pipeline_compiled.yaml'), {
      name: 'simple-two-step-pipeline-q2w3e',
    });

    expect(workflowToEvent(v2, { source }).data.pipelineName).toBe('simple-two-step-pipeline');
  });

  it('gives data that validates against the schema for every shared sample workflow', () => {
    const files = workflowFixtureFiles();

    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const fixture = loadWorkflowFixture(file);
      const workflow = fixture.status?.phase
        ? fixture
        : finishedWorkflow(fixture, { name: `${fixture.metadata?.generateName ?? 'wf-'}done` });

      expect(validateRunCompletionData(workflowToEvent(workflow, { source }).data), file).toEqual([]);
    }
  });

  it('refuses a compiled workflow that has never run, naming the missing fields', () => {
    const compiled = loadWorkflowFixture('kfp-v2-argocompiler_two-step-pipeline_compiled.yaml');

    expect(() => workflowToEvent(compiled, { source })).toThrowError(
      new MalformedWorkflowError('<unnamed>', [
        { field: 'metadata.name', message: 'missing' },
        { field: 'metadata.uid', message: 'missing' },
        { field: 'status.phase', message: 'the workflow has not finished' },
      ]),
    );
  });
});

describe('workflowToEvent', () => {
  it('keeps the same id for every attempt on one workflow and differs between workflows', () => {
    const first = workflowToEvent(generatedWorkflow(1), { source });
    const again = workflowToEvent(generatedWorkflow(1), { source });
    const other = workflowToEvent(generatedWorkflow(2), { source });

    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  it('carries the serving model artifacts it is given', () => {
    const artifacts = [{ name: 'penguin-pipeline:p:Pusher:pushed_model:0', location: 'gs://b/serving/1' }];

    const event = workflowToEvent(generatedWorkflow(1), { source, servingModelArtifacts: artifacts });

    expect(event.data.servingModelArtifacts).toEqual(artifacts);
  });

  it('reads the phase from the label when status has none', () => {
    const workflow = generatedWorkflow(1, { phase: 'Failed' });
    const withoutStatus: Workflow = { ...workflow, status: {} };

    expect(workflowStatus(withoutStatus)).toBe('failed');
  });

  it('reports a run configuration from the recurring run label', () => {
    const workflow = generatedWorkflow(1, {
      labels: { 'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'nightly' },
    });

    expect(workflowToEvent(workflow, { source }).data.runConfigurationName).toBe('nightly');
  });

  it('treats pending and running workflows as unfinished', () => {
    expect(workflowStatus(generatedWorkflow(1, { phase: 'Running' }))).toBeUndefined();
    expect(workflowStatus(generatedWorkflow(1, { phase: 'Pending' }))).toBeUndefined();
  });

  it('throws naming the workflow and the field for an unknown phase', () => {
    const workflow = generatedWorkflow(7, { phase: 'Exploded' });

    expect(() => workflowStatus(workflow)).toThrowError(MalformedWorkflowError);
    expect(() => workflowStatus(workflow)).toThrowError(
      'workflow kubeflow/penguin-pipeline-00007 cannot be turned into a run-completion event:\n' +
        '  status.phase: unknown phase "Exploded"; expected one of Pending, Running, Succeeded, Failed, Error',
    );
  });

  it('throws naming the annotation when the pipeline spec is not JSON', () => {
    const base = generatedWorkflow(3);
    const workflow: Workflow = {
      ...base,
      metadata: { ...base.metadata, annotations: { 'pipelines.kubeflow.org/pipeline_spec': '{"name": ' } },
    };

    expect(() => workflowToEvent(workflow, { source })).toThrowError(
      /^workflow kubeflow\/penguin-pipeline-00003 cannot be turned into a run-completion event:\n {2}metadata\.annotations\["pipelines\.kubeflow\.org\/pipeline_spec"\]: not JSON \(/,
    );
  });

  it('throws naming metadata.uid when the uid is missing', () => {
    const base = generatedWorkflow(4);
    const workflow: Workflow = { ...base, metadata: { ...base.metadata, uid: '' } };

    expect(() => workflowToEvent(workflow, { source })).toThrowError(
      'workflow kubeflow/penguin-pipeline-00004 cannot be turned into a run-completion event:\n  metadata.uid: missing',
    );
  });
});
