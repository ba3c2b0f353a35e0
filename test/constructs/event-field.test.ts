import { describe, expect, it } from 'vitest';
import { EventField, sensorPaths } from 'kfp-events';

const structured = sensorPaths('structured');
const binary = sensorPaths('binary');

describe('EventField', () => {
  it('resolves every field to the contract path of the encoding', () => {
    const fields: [EventField, string, string][] = [
      [EventField.status(), 'body.data.status', 'body.status'],
      [EventField.pipelineName(), 'body.data.pipelineName', 'body.pipelineName'],
      [EventField.namespace(), 'body.data.namespace', 'body.namespace'],
      [
        EventField.servingModelLocation(),
        'body.data.servingModelArtifacts.0.location',
        'body.servingModelArtifacts.0.location',
      ],
      [
        EventField.servingModelName(2),
        'body.data.servingModelArtifacts.2.name',
        'body.servingModelArtifacts.2.name',
      ],
      [EventField.field('runId'), 'body.data.runId', 'body.runId'],
      [EventField.field('a.b'), 'body.data.a\\.b', 'body.a\\.b'],
      [EventField.data(), 'body.data', 'body'],
    ];

    for (const [field, structuredPath, binaryPath] of fields) {
      expect([field.description, field.path(structured)]).toEqual([field.description, structuredPath]);
      expect([field.description, field.path(binary)]).toEqual([field.description, binaryPath]);
    }
  });

  it('resolves CloudEvent attributes in the structured encoding only', () => {
    expect(EventField.attribute('id').path(structured)).toBe('body.id');
    expect(() => EventField.attribute('id').path(binary)).toThrow(
      'CloudEvent attribute "id" has no body path in the binary encoding; use the structured encoding',
    );
  });

  it('rejects a negative artifact index when resolved', () => {
    expect(() => EventField.servingModelLocation(-1).path(structured)).toThrow(
      'index must be a non-negative integer, got -1',
    );
  });
});
