import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RunCompletionData } from './run-completion.js';

/** The path of the `data` JSON Schema inside the package. */
export const RUN_COMPLETION_DATA_SCHEMA_FILE = new URL(
  '../schemas/run-completion-data.schema.json',
  import.meta.url,
);

/** The `data` JSON Schema, as published. */
export const RUN_COMPLETION_DATA_SCHEMA: Record<string, unknown> = JSON.parse(
  readFileSync(RUN_COMPLETION_DATA_SCHEMA_FILE, 'utf8'),
) as Record<string, unknown>;

/** One reason why a value is not valid run-completion data. */
export interface DataProblem {
  /** JSON Pointer into the data, e.g. `/servingModelArtifacts/0/location` (`` for the root). */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

// ajv-formats is published as CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
const validate = ajv.compile<RunCompletionData>(RUN_COMPLETION_DATA_SCHEMA);

/** Checks a value against the `data` JSON Schema; returns every problem found (empty when valid). */
export function validateRunCompletionData(value: unknown): DataProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

/** True when `value` is valid run-completion data. */
export function isRunCompletionData(value: unknown): value is RunCompletionData {
  return validate(value);
}

function describe(error: ErrorObject): DataProblem {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
    case 'enum':
      return {
        path: error.instancePath,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path: error.instancePath, message: error.message ?? error.keyword };
  }
}
