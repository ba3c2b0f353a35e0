import { describe, expect, it } from 'vitest';
import type { ArgoEvent, ArgoTriggerParameter } from '../../src/tools/argo.js';
import { TriggerParameterError, applyParameters, resolveParameterValue } from '../../src/tools/params.js';

// Mirrors Argo Events v1.9 pkg/sensors/triggers/params.go (ApplyParams, ResolveParamValue).

const event: ArgoEvent = {
  context: {
    id: 'e1',
    source: 'run-completion',
    specversion: '1.0',
    type: 'nats',
    datacontenttype: 'application/json',
    subject: 'run-completion',
    time: '2026-01-01T00:00:00Z',
  },
  data: { body: { data: { status: 'succeeded', count: 3, models: [{ location: 'gs://m' }], none: null } } },
};
const events = new Map([['dep', event]]);

const param = (
  src: Partial<ArgoTriggerParameter['src']>,
  dest = 'out',
  operation?: string,
): ArgoTriggerParameter => ({
  src: { dependencyName: 'dep', ...src },
  dest,
  ...(operation ? { operation } : {}),
});

describe('resolveParameterValue', () => {
  it('gives numbers and booleans as text, objects and null as raw JSON', () => {
    expect(resolveParameterValue({ dependencyName: 'dep', dataKey: 'body.data.count' }, events)).toEqual({
      text: '3',
      type: 'Number',
    });
    expect(resolveParameterValue({ dependencyName: 'dep', dataKey: 'body.data.models' }, events)).toEqual({
      text: '[{"location":"gs://m"}]',
      type: 'JSON',
    });
    expect(resolveParameterValue({ dependencyName: 'dep', dataKey: 'body.data.none' }, events)).toEqual({
      text: 'null',
      type: 'Null',
    });
  });

  it('prefers a working dataTemplate, falling back to the key, then the default value', () => {
    const src = {
      dependencyName: 'dep',
      dataTemplate: '{{ .Input.body.data.status | upper }}',
      dataKey: 'body.x',
    };
    expect(resolveParameterValue(src, events)?.text).toBe('SUCCEEDED');
    const empty = {
      dependencyName: 'dep',
      dataTemplate: '{{ .Input.body.missing }}',
      dataKey: 'body.data.status',
    };
    expect(resolveParameterValue(empty, events)?.text).toBe('succeeded');
    expect(
      resolveParameterValue({ dependencyName: 'dep', dataKey: 'body.x', value: 'fallback' }, events)?.text,
    ).toBe('fallback');
  });

  it('reads contextKey from the event context', () => {
    expect(resolveParameterValue({ dependencyName: 'dep', contextKey: 'source' }, events)?.text).toBe(
      'run-completion',
    );
  });

  it('gives the default, or nothing, for a dependency that did not fire', () => {
    expect(resolveParameterValue({ dependencyName: 'other', dataKey: 'a', value: 'd' }, events)?.text).toBe(
      'd',
    );
    expect(resolveParameterValue({ dependencyName: 'other', dataKey: 'a' }, events)).toBeUndefined();
  });
});

describe('applyParameters', () => {
  it('sets strings unless useRawData is set on a JSON value', () => {
    const { result, values } = applyParameters(
      {},
      [
        param({ dataKey: 'body.data.models' }, 'asText'),
        param({ dataKey: 'body.data.models', useRawData: true }, 'asJson'),
        param({ dataKey: 'body.data.count', useRawData: true }, 'count'),
      ],
      events,
    );
    expect(result).toEqual({ asText: '[{"location":"gs://m"}]', asJson: [{ location: 'gs://m' }], count: 3 });
    expect(values).toEqual(result);
  });

  it('appends and prepends to the current value as strings', () => {
    const { result } = applyParameters(
      { a: 'model-', b: '-latest' },
      [
        param({ dataKey: 'body.data.status' }, 'a', 'append'),
        param({ dataKey: 'body.data.status' }, 'b', 'prepend'),
      ],
      events,
    );
    expect(result).toEqual({ a: 'model-succeeded', b: 'succeeded-latest' });
  });

  it('fails as Argo does on an unknown operation or an unresolvable key', () => {
    expect(() => applyParameters({}, [param({ dataKey: 'body.data.status' }, 'a', 'merge')], events)).toThrow(
      new TriggerParameterError('unsupported trigger parameter operation: merge'),
    );
    expect(() => applyParameters({}, [param({ dataKey: 'body.nope' })], events)).toThrow(
      new TriggerParameterError("unable to resolve 'dep' parameter value. err: <nil>"),
    );
  });
});
