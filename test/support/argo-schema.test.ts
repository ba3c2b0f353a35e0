import { describe, expect, it } from 'vitest';
import { ARGO_SCHEMA_AVAILABLE, ARGO_SCHEMA_SKIP_MESSAGE, argoSchemaProblems } from './argo-schema.js';

describe.skipIf(!ARGO_SCHEMA_AVAILABLE)('argoSchemaProblems', () => {
  const sensor = (spec: unknown) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Sensor',
    metadata: { name: 's' },
    spec,
  });

  it('accepts a minimal valid Sensor', () => {
    expect(argoSchemaProblems(sensor({ dependencies: [], triggers: [] }))).toEqual([]);
  });

  it('reports a missing required field and a wrongly typed number with their paths', () => {
    const problems = argoSchemaProblems(
      sensor({
        dependencies: [{ name: 'd', eventSourceName: 'e' }],
        triggers: [{ retryStrategy: { factor: '2' } }],
      }),
    );

    expect(problems).toContain("/spec/dependencies/0: must have required property 'eventName'");
    expect(problems).toContain('/spec/triggers/0/retryStrategy/factor: must be number');
  });

  it('refuses kinds it has no definition for', () => {
    expect(() => argoSchemaProblems({ kind: 'Workflow' })).toThrow(
      'no Argo Events schema definition for kind Workflow',
    );
  });
});
if (!ARGO_SCHEMA_AVAILABLE) console.log(`argo-schema.test.ts: ${ARGO_SCHEMA_SKIP_MESSAGE}`);
