import { createHash } from 'node:crypto';
import { CONFIG_DEFAULTS } from './defaults.js';
import type { PipelineStatus } from './types.js';

/** The longest name Kubernetes accepts for a label value or a DNS-1123 label. */
export const MAX_LABEL_LENGTH = 63;

/** The longest DNS-1123 subdomain. */
export const MAX_SUBDOMAIN_LENGTH = 253;

/** Hex characters of the hash that makes a shortened or rewritten derived name unique. */
export const NAME_HASH_LENGTH = 8;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a DNS-1123 label allows, in the words of an error message. */
export const DNS_1123_LABEL_RULE =
  "lower-case letters, digits and '-', starting and ending with a letter or digit";

/**
 * Why `name` is not a DNS-1123 label of at most `maxLength` characters, or `undefined` when it is one.
 * The reason reads after the quoted name, e.g. `is too long (70 characters); at most 63 are allowed`.
 */
export function dnsLabelProblem(name: string, maxLength: number = MAX_LABEL_LENGTH): string | undefined {
  if (name.length > maxLength)
    return `is too long (${name.length} characters); at most ${maxLength} are allowed`;
  if (!DNS_1123_LABEL.test(name)) return `is not a DNS-1123 label; allowed: ${DNS_1123_LABEL_RULE}`;
  return undefined;
}

/** True when `name` is a DNS-1123 subdomain (dot-separated labels, at most 253 characters). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= MAX_SUBDOMAIN_LENGTH && DNS_1123_SUBDOMAIN.test(name);
}

/** The suffix a derived Sensor name gets for each status filter. */
export const SENSOR_NAME_SUFFIXES = {
  succeeded: 'succeeded',
  failed: 'failed',
  any: 'completed',
} as const;

/**
 * Derives a Sensor name from a pipeline name and the status it reacts to: `<pipeline>-<suffix>`, e.g.
 * `taxi-pipeline-succeeded` (`-completed` for status `any`).
 *
 * When that is already a DNS-1123 label it is used as is. Otherwise (upper case, `_`, `.`, spaces, more
 * than 63 characters) it is lower-cased, every run of other characters becomes one `-`, it is cut to fit,
 * and `-<hash>` is appended: the first 8 hex digits of the SHA-256 of the pipeline name and status. The
 * hash keeps `Taxi Pipeline` and `taxi_pipeline` apart; any remaining clash (e.g. two entries for the
 * same pipeline and status in one namespace) is reported by the config validation as an error that
 * names both entries, never resolved silently.
 */
export function deriveSensorName(pipeline: string, status: keyof typeof SENSOR_NAME_SUFFIXES): string {
  const suffix = SENSOR_NAME_SUFFIXES[status];
  const plain = `${pipeline}-${suffix}`;
  if (dnsLabelProblem(plain) === undefined) return plain;

  const hash = createHash('sha256')
    .update(`${pipeline}\u0000${status}`)
    .digest('hex')
    .slice(0, NAME_HASH_LENGTH);
  const room = MAX_LABEL_LENGTH - NAME_HASH_LENGTH - 1;
  const stem = sanitize(plain).slice(0, room).replace(/-+$/, '');
  return stem === '' ? `${suffix}-${hash}` : `${stem}-${hash}`;
}

/** The Sensor name of a pipeline entry: its `sensor`, else one derived from the pipeline and status. */
export function sensorNameOf(entry: {
  readonly pipeline: string;
  readonly sensor?: string;
  readonly status?: string;
}): string {
  const status = (entry.status ?? CONFIG_DEFAULTS.pipeline.status) as PipelineStatus;
  return entry.sensor ?? deriveSensorName(entry.pipeline, status);
}

/** Lower-cases and replaces every run of characters a DNS-1123 label does not allow by one `-`. */
function sanitize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
