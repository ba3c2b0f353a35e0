import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRunCompletionEvent, sensorPaths, type RunCompletionData } from '../../src/contract/index.js';
import { simulate, type SimulationResult } from '../../src/tools/simulate.js';
import { editObject, fixture, loadFixture } from './helpers.js';

const MODEL_UPDATE = 'penguin-pipeline-model-update';
const FAILURE = 'penguin-pipeline-failure';
const LOCATION = 'gs://penguin-bucket/serving/1764583200';

const succeeded = JSON.parse(readFileSync(fixture('events', 'succeeded.json'), 'utf8')) as {
  data: RunCompletionData;
};
const failedData = JSON.parse(
  readFileSync(fixture('events', 'failed-data.json'), 'utf8'),
) as RunCompletionData;

function sensor(result: SimulationResult, name: string) {
  const found = result.sensors.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no Sensor ${name} in the result`);
  return found;
}

function withPipeline(pipelineName: string): unknown {
  return { ...succeeded, data: { ...succeeded.data, pipelineName } };
}

describe('simulate', () => {
  it('fires the model-update Sensor for a succeeded penguin-pipeline run, with the model location', async () => {
    const result = simulate(await loadFixture('valid'), succeeded);

    const update = sensor(result, MODEL_UPDATE);
    expect(update).toMatchObject({
      namespace: 'penguin-team',
      fires: true,
      reason: 'dependency "run-completion": filters passed',
    });
    expect(update.triggers.map((t) => [t.name, t.kind, t.fires])).toEqual([
      ['log', 'log', true],
      ['update-serving', 'k8s', true],
      ['notify', 'http', true],
    ]);
    expect(update.triggers[1]?.parameters).toEqual({ 'data.modelLocation': LOCATION });
    expect(update.triggers[1]?.output).toMatchObject({
      kind: 'ConfigMap',
      data: { modelLocation: LOCATION },
    });
    expect(update.triggers[2]?.parameters).toEqual({
      pipeline: 'penguin-pipeline',
      models: JSON.stringify(succeeded.data.servingModelArtifacts),
    });
    expect(sensor(result, FAILURE).fires).toBe(false);
  });

  it('does not fire the model-update Sensor for a failed run given as plain data, but fires the failure Sensor', async () => {
    const result = simulate(await loadFixture('valid'), failedData);

    expect(result.event).toMatchObject({
      source: 'kfp',
      type: 'org.kubeflow.pipelines.run-completion',
      data: failedData,
    });
    expect(sensor(result, MODEL_UPDATE)).toMatchObject({
      fires: false,
      reason:
        'dependency "run-completion": filters did not pass (data filter body.data.status = "^succeeded$" (string) got "failed")',
    });
    expect(sensor(result, FAILURE).fires).toBe(true);
  });

  it.each(['penguin-pipeline-v2', 'team/penguin-pipeline'])(
    'does not fire an anchored filter for %s, but does fire an unanchored one',
    async (pipelineName) => {
      const manifests = await loadFixture('valid');
      expect(sensor(simulate(manifests, withPipeline(pipelineName)), MODEL_UPDATE).fires).toBe(false);

      const unanchored = editObject(manifests, 'Sensor', MODEL_UPDATE, {
        'spec.dependencies.0.filters.data.1.value': ['penguin-pipeline'],
      });
      expect(sensor(simulate(unanchored, withPipeline(pipelineName)), MODEL_UPDATE).fires).toBe(true);
    },
  );

  it('drops the event when the Sensor paths do not match the encoding in use', async () => {
    const result = simulate(await loadFixture('valid'), succeeded, { encoding: 'binary' });

    expect(result.encoding).toBe('binary');
    expect(sensor(result, MODEL_UPDATE)).toMatchObject({
      fires: false,
      reason: `dependency "run-completion": event dropped: data filter error (path '${sensorPaths('structured').status}' does not exist)`,
    });
  });

  it('fires in the binary encoding once the paths come from sensorPaths("binary")', async () => {
    const binary = sensorPaths('binary');
    const manifests = editObject(await loadFixture('valid'), 'Sensor', MODEL_UPDATE, {
      'spec.dependencies.0.filters.data.0.path': binary.status,
      'spec.dependencies.0.filters.data.1.path': binary.pipelineName,
      'spec.triggers.1.template.k8s.parameters.0.src.dataKey': binary.servingModelLocation(0),
    });

    const update = sensor(simulate(manifests, succeeded, { encoding: 'binary' }), MODEL_UPDATE);
    expect(update.fires).toBe(true);
    expect(update.triggers[1]?.parameters).toEqual({ 'data.modelLocation': LOCATION });
  });

  it('drops the event when the EventSource does not set jsonBody, since the body is then base64', async () => {
    const manifests = editObject(await loadFixture('valid'), 'EventSource', 'run-completion', {
      'spec.nats.run-completion.jsonBody': undefined,
    });

    expect(sensor(simulate(manifests, succeeded), MODEL_UPDATE).reason).toBe(
      'dependency "run-completion": event dropped: data filter error (path \'body.data.status\' does not exist)',
    );
  });

  it("does not run a trigger whose parameter key is missing, with Argo's error, unless a default value is given", async () => {
    const missing = editObject(await loadFixture('valid'), 'Sensor', MODEL_UPDATE, {
      'spec.triggers.1.template.k8s.parameters.0.src.dataKey':
        sensorPaths('structured').servingModelLocation(1),
    });
    expect(sensor(simulate(missing, succeeded), MODEL_UPDATE).triggers[1]).toMatchObject({
      fires: false,
      reason: "parameters fail: unable to resolve 'run-completion' parameter value. err: <nil>",
    });

    const defaulted = editObject(missing, 'Sensor', MODEL_UPDATE, {
      'spec.triggers.1.template.k8s.parameters.0.src.value': 'gs://fallback',
    });
    expect(sensor(simulate(defaulted, succeeded), MODEL_UPDATE).triggers[1]?.parameters).toEqual({
      'data.modelLocation': 'gs://fallback',
    });
  });

  it('passes the whole Argo event, data in base64, when a parameter has no key', async () => {
    const manifests = editObject(await loadFixture('valid'), 'Sensor', MODEL_UPDATE, {
      'spec.triggers.2.template.http.payload.0.src.dataKey': undefined,
    });

    const value = sensor(simulate(manifests, succeeded), MODEL_UPDATE).triggers[2]?.parameters
      .pipeline as string;
    const whole = JSON.parse(value) as { context: Record<string, string>; data: string };
    expect(whole.context).toMatchObject({
      source: 'run-completion',
      subject: 'run-completion',
      type: 'nats',
    });
    const data = JSON.parse(Buffer.from(whole.data, 'base64').toString('utf8')) as {
      body: unknown;
      subject: string;
    };
    expect(data).toMatchObject({ subject: 'events', body: succeeded });
  });

  it('reports no event for Sensors whose EventSource listens on another subject', async () => {
    const manifests = editObject(await loadFixture('valid'), 'EventSource', 'run-completion', {
      'spec.nats.run-completion.subject': 'other',
    });

    expect(sensor(simulate(manifests, succeeded), MODEL_UPDATE)).toMatchObject({
      fires: false,
      reason:
        'dependency "run-completion": no event from run-completion/run-completion on this Sensor\'s bus',
    });
  });

  it('honours trigger conditions, reading "-" in dependency names as Argo does', async () => {
    const valid = await loadFixture('valid');
    const update = valid.find((m) => m.object.metadata?.name === MODEL_UPDATE)!.object.spec as {
      dependencies: unknown[];
      triggers: unknown[];
    };
    const manifests = editObject(valid, 'Sensor', MODEL_UPDATE, {
      'spec.dependencies': [
        ...update.dependencies,
        { name: 'other-dep', eventSourceName: 'elsewhere', eventName: 'something' },
      ],
      'spec.triggers': [
        { template: { name: 'all', log: {} } },
        { template: { name: 'either', conditions: 'run-completion || other-dep', log: {} } },
      ],
    });

    const result = sensor(simulate(manifests, succeeded), MODEL_UPDATE);
    expect(result.triggers.map((t) => [t.name, t.fires, t.reason])).toEqual([
      ['all', false, 'not every dependency resolved'],
      ['either', true, 'conditions "run-completion || other-dep" hold'],
    ]);
    expect(result.reason).toBe(
      'dependency "run-completion": filters passed; dependency "other-dep": no event from elsewhere/something on this Sensor\'s bus',
    );
  });

  it('warns where the data breaks the published schema, and simulates it anyway', async () => {
    const result = simulate(await loadFixture('valid'), { status: 'succeeded', servingModelArtifacts: [] });

    expect(result.warnings).toEqual(['data/pipelineName: is required']);
    expect(sensor(result, MODEL_UPDATE).reason).toBe(
      'dependency "run-completion": event dropped: data filter error (path \'body.data.pipelineName\' does not exist)',
    );
  });

  it('says it cannot simulate syntax it does not implement, instead of guessing', async () => {
    const manifests = editObject(await loadFixture('valid'), 'Sensor', MODEL_UPDATE, {
      'spec.dependencies.0.filters.data.1.path': 'body.data|@this.pipelineName',
    });

    const result = sensor(simulate(manifests, succeeded), MODEL_UPDATE);
    expect(result.fires).toBe(false);
    expect(result.reason).toBe(
      'dependency "run-completion": cannot simulate: gjson path "body.data|@this.pipelineName": "|" at offset 9 (queries, pipes and modifiers) is not supported',
    );
  });

  it('keeps a CloudEvent as given and wraps plain data with a stable id', async () => {
    const manifests = await loadFixture('valid');
    expect(simulate(manifests, succeeded).event).toEqual(succeeded);

    const first = simulate(manifests, failedData).event;
    expect(simulate(manifests, failedData).event.id).toBe(first.id);
    expect(first).toEqual(createRunCompletionEvent({ source: 'kfp', id: first.id, data: failedData }));
  });
});
