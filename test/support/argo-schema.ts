/**
 * Validates synthesized Argo Events objects against the upstream JSON Schema in
 * `../shared/crds/argo-events/schema.json`, read at test time and never copied into the repo.
 *
 * The schema is used as published: ajv runs non-strict (it carries `x-kubernetes-*` keywords) and
 * learns the Kubernetes formats (`int64-or-string`, …) instead of the schema being edited.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** Where the Argo Events schema is expected, relative to the repository root. */
export const ARGO_SCHEMA_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/crds/argo-events/schema.json',
);

/** Whether the schema is available (it is not on a clone without `../shared`). */
export const ARGO_SCHEMA_AVAILABLE = existsSync(ARGO_SCHEMA_FILE);

/** The message printed by suites skipped because the schema is absent. */
export const ARGO_SCHEMA_SKIP_MESSAGE = `skipped: Argo Events schema validation needs ${ARGO_SCHEMA_FILE} (../shared is absent)`;

const DEFINITIONS: Record<string, string> = {
  EventBus: 'io.argoproj.events.v1alpha1.EventBus',
  EventSource: 'io.argoproj.events.v1alpha1.EventSource',
  Sensor: 'io.argoproj.events.v1alpha1.Sensor',
};

const INTEGER_FORMATS = ['int32', 'int64'];
const NUMBER_FORMATS = ['double', 'float'];
const ANY_FORMATS = ['int-or-string', 'int64-or-string', 'byte'];

// ajv-formats is published as CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let validators: Map<string, ValidateFunction> | undefined;

function load(): Map<string, ValidateFunction> {
  if (validators) return validators;

  const schema = JSON.parse(readFileSync(ARGO_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateSchema: false }));
  for (const format of INTEGER_FORMATS) ajv.addFormat(format, { type: 'number', validate: Number.isInteger });
  for (const format of NUMBER_FORMATS) ajv.addFormat(format, { type: 'number', validate: Number.isFinite });
  for (const format of ANY_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema(schema, 'argo-events');

  validators = new Map();
  for (const [kind, definition] of Object.entries(DEFINITIONS)) {
    validators.set(kind, ajv.getSchema(`argo-events#/definitions/${definition}`) as ValidateFunction);
  }
  return validators;
}

/**
 * Returns the schema problems of one Argo Events object (`EventBus`, `EventSource` or `Sensor`), one
 * `<instance path>: <message>` line each; empty when it is valid.
 */
export function argoSchemaProblems(manifest: { kind?: unknown }): string[] {
  const validate = load().get(String(manifest.kind));
  if (!validate) throw new Error(`no Argo Events schema definition for kind ${String(manifest.kind)}`);

  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`,
  );
}

/** The Argo Events objects among synthesized manifests. */
export function argoObjects(manifests: readonly unknown[]): { kind: string; metadata?: { name?: string } }[] {
  return manifests.filter(
    (m): m is { kind: string } =>
      typeof m === 'object' &&
      m !== null &&
      ['EventBus', 'EventSource', 'Sensor'].includes(String((m as { kind?: unknown }).kind)),
  );
}
