import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { DURATION_RULE } from '../contract/duration.js';
import { DNS_1123_LABEL_RULE } from './names.js';
import { formatValue, type FieldPath, type FieldProblem } from './problems.js';
import type { KfpEventsConfig } from './types.js';

/** The path of the config JSON Schema inside the package. */
export const CONFIG_SCHEMA_FILE = new URL('../schemas/config.schema.json', import.meta.url);

/** The config JSON Schema (draft-07), as published for editors. */
export const CONFIG_SCHEMA: Record<string, unknown> = JSON.parse(
  readFileSync(CONFIG_SCHEMA_FILE, 'utf8'),
) as Record<string, unknown>;

/** What each `pattern` of the schema allows, in the words of an error message. */
const PATTERN_RULES: Readonly<Record<string, string>> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': `a DNS-1123 label: ${DNS_1123_LABEL_RULE}`,
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': `a DNS-1123 subdomain: dot-separated labels of ${DNS_1123_LABEL_RULE}`,
  '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$': DURATION_RULE,
  '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$': 'a Kubernetes quantity such as 10Gi or 500Mi',
  '^\\S+$': 'an image reference without spaces, e.g. ghcr.io/kfp-events/publisher:0.1.0',
  '^[^\\s.*>]+(\\.[^\\s.*>]+)*$': 'a NATS subject: dot-separated tokens without spaces or wildcards (* >)',
  '^[A-Za-z0-9.-]+:[0-9]{1,5}$': 'host:port, e.g. metadata-grpc-service.kubeflow:8080',
  '^https?://\\S+$': 'an http:// or https:// URL',
  '^([a-z0-9.-]+/)?v[0-9]+((alpha|beta)[0-9]+)?$':
    'an apiVersion such as v1, apps/v1 or serving.kserve.io/v1beta1',
  '^[A-Z][A-Za-z0-9]*$': 'a kind such as ConfigMap (letters and digits, starting upper-case)',
  '^[A-Za-z0-9-]+$': "an HTTP header name (letters, digits and '-')",
  '^[-._A-Za-z0-9]+$': "a Secret key (letters, digits, '-', '_' and '.')",
};

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
const validate = ajv.compile<KfpEventsConfig>(CONFIG_SCHEMA);

/** Checks a parsed document against the config JSON Schema; returns every violation (empty when valid). */
export function validateConfigSchema(value: unknown): FieldProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).flatMap((error) => {
    const problem = describe(error);
    return problem ? [problem] : [];
  });
}

/** What a `pattern` of the schema allows, in words; `undefined` for a pattern without a rule text. */
export function patternRule(pattern: string): string | undefined {
  return PATTERN_RULES[pattern];
}

function describe(error: ErrorObject): FieldProblem | undefined {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const got = formatValue(error.data);

  switch (error.keyword) {
    case 'if':
      // Reported through the failing `then` branch's own errors.
      return undefined;
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required' };
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return {
        path: [...path, String(params.additionalProperty)],
        key: true,
        message: `is not a known field; allowed: ${allowed.join(', ')}`,
      };
    }
    case 'enum':
      return {
        path,
        message: `${got} is not allowed; allowed: ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'type':
      return {
        path,
        message: `${got} is ${describeType(error.data)}; must be ${article(String(params.type))}`,
      };
    case 'pattern': {
      const pattern = String(params.pattern);
      return {
        path,
        message: `${got} is not valid; must be ${patternRule(pattern) ?? `like /${pattern}/`}`,
      };
    }
    case 'maxLength':
      return {
        path,
        message: `${got} is too long (${String(error.data).length} characters); at most ${String(params.limit)} are allowed`,
      };
    case 'minLength':
      return { path, message: 'must not be empty' };
    case 'minimum':
    case 'maximum':
      return {
        path,
        message: `${got} is out of range; must be ${String(params.comparison)} ${String(params.limit)}`,
      };
    case 'minItems':
      return { path, message: `has no entries; at least ${String(params.limit)} required` };
    case 'uniqueItems':
      return {
        path: [...path, Number(params.i)],
        message: `${formatValue((error.data as unknown[])[Number(params.i)])} is listed twice (also at index ${String(params.j)})`,
      };
    default:
      return { path, message: `${got} ${error.message ?? `fails ${error.keyword}`}` };
  }
}

/** `/consumers/0/namespace` → `['consumers', 0, 'namespace']`. */
function pointerToPath(pointer: string): FieldPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((key) => (/^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key));
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return article(typeof value);
}

function article(type: string): string {
  const noun = type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
