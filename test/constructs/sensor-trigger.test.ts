import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ArgoWorkflowOperation,
  EventField,
  K8sOperation,
  SensorTrigger,
  apiGroupOf,
  pluralise,
  sensorPaths,
  type TriggerBindContext,
} from 'kfp-events';

const context: TriggerBindContext = {
  dependencyName: 'run-completion',
  paths: sensorPaths('structured'),
  namespace: 'penguin-team',
  defaultName: 'default-name',
};

const retryStrategy = { steps: 3, duration: '1s', factor: 2, jitter: 0.1 };

describe('SensorTrigger.log', () => {
  it('logs without retry or RBAC', () => {
    expect(SensorTrigger.log().bind(context)).toEqual({
      name: 'default-name',
      spec: { template: { name: 'default-name', log: {} } },
      permissions: [],
    });
  });
});

describe('SensorTrigger.http', () => {
  it('posts a payload built from contract paths, at least once and with retries by default', () => {
    const bound = SensorTrigger.http({
      name: 'notify',
      url: 'https://hooks.example.com/runs',
      payload: { status: EventField.status(), 'model.location': EventField.servingModelLocation(1) },
      headers: { 'X-Team': 'penguin' },
      secureHeaders: { Authorization: { name: 'hook-token', key: 'header' } },
    }).bind(context);

    expect(bound.spec).toEqual({
      atLeastOnce: true,
      retryStrategy,
      template: {
        name: 'notify',
        http: {
          url: 'https://hooks.example.com/runs',
          method: 'POST',
          payload: [
            { src: { dependencyName: 'run-completion', dataKey: 'body.data.status' }, dest: 'status' },
            {
              src: {
                dependencyName: 'run-completion',
                dataKey: 'body.data.servingModelArtifacts.1.location',
              },
              dest: 'model.location',
            },
          ],
          headers: { 'X-Team': 'penguin' },
          secureHeaders: [
            { name: 'Authorization', valueFrom: { secretKeyRef: { name: 'hook-token', key: 'header' } } },
          ],
        },
      },
    });
    expect(bound.permissions).toEqual([]);
  });

  it('turns retries off with zero steps and honours atLeastOnce false', () => {
    const bound = SensorTrigger.http({
      url: 'http://svc.team.svc/hook',
      method: 'PUT',
      payload: {},
      atLeastOnce: false,
      retry: { steps: 0 },
    }).bind(context);

    expect(bound.spec.atLeastOnce).toBe(false);
    expect(bound.spec.retryStrategy).toBeUndefined();
    expect(bound.spec.template?.http?.method).toBe('PUT');
  });

  it('writes a custom retry with Go durations and JSON numbers', () => {
    const bound = SensorTrigger.http({
      url: 'http://svc/hook',
      payload: {},
      retry: { steps: 5, duration: Duration.minutes(1.5), factor: 1.5, jitter: 0.5 },
    }).bind(context);

    expect(bound.spec.retryStrategy).toEqual({ steps: 5, duration: '1m30s', factor: 1.5, jitter: 0.5 });
  });

  it('throws when the URL is not http or https', () => {
    const trigger = SensorTrigger.http({ url: 'ftp://files/x', payload: {} });

    expect(() => trigger.bind(context)).toThrow('url "ftp://files/x" is not an http or https URL');
  });

  it('throws when retry steps is negative', () => {
    const trigger = SensorTrigger.http({ url: 'http://svc/hook', payload: {}, retry: { steps: -1 } });

    expect(() => trigger.bind(context)).toThrow(
      'retry.steps -1 is not allowed: must be an integer of at least 0',
    );
  });
});

describe('SensorTrigger.k8s', () => {
  const serving = { apiVersion: 'v1', kind: 'ConfigMap', name: 'serving' };
  const parameters = [{ src: EventField.servingModelLocation(0), dest: 'data.modelLocation' }];

  it('patches a named object with a merge patch and needs get+patch on it plus create', () => {
    const bound = SensorTrigger.k8s({ operation: K8sOperation.PATCH, target: serving, parameters }).bind(
      context,
    );

    expect(bound.spec).toEqual({
      atLeastOnce: true,
      retryStrategy,
      template: {
        name: 'default-name',
        k8S: {
          operation: 'patch',
          patchStrategy: 'application/merge-patch+json',
          source: {
            resource: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'serving', namespace: 'penguin-team' },
            },
          },
          parameters: [
            {
              src: {
                dependencyName: 'run-completion',
                dataKey: 'body.data.servingModelArtifacts.0.location',
              },
              dest: 'data.modelLocation',
            },
          ],
        },
      },
    });
    expect(bound.permissions).toEqual([
      {
        namespace: 'penguin-team',
        rule: {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['serving'],
          verbs: ['get', 'patch'],
        },
      },
      { namespace: 'penguin-team', rule: { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] } },
    ]);
  });

  it('updates an object of a custom resource in another namespace with get+update and create there', () => {
    const bound = SensorTrigger.k8s({
      operation: K8sOperation.UPDATE,
      target: {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        namespace: 'serving',
        manifest: { metadata: { name: 'penguin', labels: { team: 'penguin' } }, spec: { predictor: {} } },
      },
    }).bind(context);

    expect(bound.spec.template?.k8S?.source?.resource).toEqual({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'penguin', labels: { team: 'penguin' }, namespace: 'serving' },
      spec: { predictor: {} },
    });
    expect(bound.spec.template?.k8S?.patchStrategy).toBeUndefined();
    expect(bound.permissions).toEqual([
      {
        namespace: 'serving',
        rule: {
          apiGroups: ['serving.kserve.io'],
          resources: ['inferenceservices'],
          resourceNames: ['penguin'],
          verbs: ['get', 'update'],
        },
      },
      {
        namespace: 'serving',
        rule: { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['create'] },
      },
    ]);
  });

  it('needs only create to create objects', () => {
    const bound = SensorTrigger.k8s({ operation: K8sOperation.CREATE, target: serving }).bind(context);

    expect(bound.permissions).toEqual([
      { namespace: 'penguin-team', rule: { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] } },
    ]);
  });

  it('cannot restrict by resource name when a parameter sets the name', () => {
    const bound = SensorTrigger.k8s({
      operation: K8sOperation.PATCH,
      target: { ...serving, resource: 'configmaps' },
      parameters: [{ src: EventField.pipelineName(), dest: 'metadata.name' }],
    }).bind(context);

    expect(bound.permissions).toEqual([
      {
        namespace: 'penguin-team',
        rule: { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'patch'] },
      },
    ]);
  });

  it('keeps a default value for a missing event field', () => {
    const bound = SensorTrigger.k8s({
      operation: K8sOperation.PATCH,
      target: serving,
      parameters: [{ src: EventField.field('runId'), dest: 'data.runId', default: 'unknown' }],
    }).bind(context);

    expect(bound.spec.template?.k8S?.parameters).toEqual([
      {
        src: { dependencyName: 'run-completion', dataKey: 'body.data.runId', value: 'unknown' },
        dest: 'data.runId',
      },
    ]);
  });
});

describe('SensorTrigger.argoWorkflow', () => {
  it('submits a workflow in the Sensor namespace and needs create and list on workflows', () => {
    const bound = SensorTrigger.argoWorkflow({
      workflow: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'next-' } },
      parameters: [{ src: EventField.pipelineName(), dest: 'spec.arguments.parameters.0.value' }],
    }).bind(context);

    expect(bound.spec.template?.argoWorkflow).toEqual({
      operation: ArgoWorkflowOperation.SUBMIT,
      source: {
        resource: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: { generateName: 'next-', namespace: 'penguin-team' },
        },
      },
      parameters: [
        {
          src: { dependencyName: 'run-completion', dataKey: 'body.data.pipelineName' },
          dest: 'spec.arguments.parameters.0.value',
        },
      ],
    });
    expect(bound.spec.atLeastOnce).toBe(true);
    expect(bound.permissions).toEqual([
      {
        namespace: 'penguin-team',
        rule: { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'list'] },
      },
    ]);
  });
});

describe('resource naming helpers', () => {
  it('derives the API group from apiVersion', () => {
    expect(apiGroupOf('v1')).toBe('');
    expect(apiGroupOf('apps/v1')).toBe('apps');
    expect(apiGroupOf('serving.kserve.io/v1beta1')).toBe('serving.kserve.io');
  });

  it('pluralises kinds the way Kubernetes resources are named', () => {
    expect(pluralise('ConfigMap')).toBe('configmaps');
    expect(pluralise('NetworkPolicy')).toBe('networkpolicies');
    expect(pluralise('Ingress')).toBe('ingresses');
    expect(pluralise('Gateway')).toBe('gateways');
  });
});
