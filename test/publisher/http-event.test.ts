import { describe, expect, it } from 'vitest';
import { createRunCompletionEvent } from 'kfp-events';
import { parseEventRequest } from '../../src/publisher/http-event.js';
import { sampleData } from './support.js';

const CE_TYPE = 'org.kubeflow.pipelines.run-completion';
const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
const BINARY = {
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-type': CE_TYPE,
  'ce-source': 'ci',
  'ce-id': 'evt-1',
};
const attributes = { specversion: '1.0', type: CE_TYPE, source: 'ci', id: 'evt-1' };

describe('parseEventRequest', () => {
  it('carries every attribute it does not set itself as a string extension of a structured event', () => {
    const body = JSON.stringify({ ...attributes, data: sampleData(), teamname: 'penguins', priority: 5 });

    const parsed = parseEventRequest(STRUCTURED, body, 'kfp');

    expect(parsed).toEqual({
      ok: true,
      form: 'structured',
      event: createRunCompletionEvent({
        source: 'ci',
        id: 'evt-1',
        data: sampleData(),
        extensions: { teamname: 'penguins', priority: '5' },
      }),
    });
  });

  it('carries the ce-* headers of a binary event, less the prefix, as extensions', () => {
    const parsed = parseEventRequest(
      { ...BINARY, 'ce-teamname': 'penguins', 'ce-time': '2026-01-02T03:04:05Z' },
      JSON.stringify(sampleData()),
      'kfp',
    );

    expect(parsed).toEqual({
      ok: true,
      form: 'binary',
      event: createRunCompletionEvent({
        source: 'ci',
        id: 'evt-1',
        time: '2026-01-02T03:04:05Z',
        data: sampleData(),
        extensions: { teamname: 'penguins' },
      }),
    });
  });

  it('refuses a structured event with a content type parameter the binding does not read', () => {
    const body = JSON.stringify({ ...attributes, data: sampleData() });

    const parsed = parseEventRequest(
      { 'content-type': 'application/cloudevents+json;charset=UTF-8' },
      body,
      'kfp',
    );

    expect(parsed).toEqual({
      ok: false,
      status: 400,
      problems: [
        {
          field: '',
          message: 'not a CloudEvent: invalid content type application/cloudevents+json;charset=UTF-8',
        },
      ],
    });
  });

  it('refuses the CloudEvents 0.3 schemaurl attribute on a 1.0 event', () => {
    const body = JSON.stringify({ ...attributes, data: sampleData(), schemaurl: 'https://example.com/s' });

    expect(parseEventRequest(STRUCTURED, body, 'kfp')).toEqual({
      ok: false,
      status: 400,
      problems: [{ field: '', message: 'not a CloudEvent: cannot set schemaurl on version 1.0 event' }],
    });
  });

  it('refuses base64 data, which the data schema cannot hold', () => {
    const encoded = Buffer.from(JSON.stringify(sampleData())).toString('base64');
    const body = JSON.stringify({
      ...attributes,
      data: 'ignored',
      datacontentencoding: 'base64',
      data_base64: encoded,
    });

    expect(parseEventRequest(STRUCTURED, body, 'kfp')).toEqual({
      ok: false,
      status: 400,
      problems: [
        { field: 'data.status', message: 'is required' },
        { field: 'data.pipelineName', message: 'is required' },
        { field: 'data.servingModelArtifacts', message: 'is required' },
      ],
    });
  });

  it('reads the data of a binary event by its ce-datacontenttype when given, refusing text', () => {
    const parsed = parseEventRequest(
      { ...BINARY, 'ce-datacontenttype': 'text/plain' },
      JSON.stringify(sampleData()),
      'kfp',
    );

    expect(parsed).toEqual({ ok: false, status: 400, problems: [{ field: '', message: 'must be object' }] });
  });
});
