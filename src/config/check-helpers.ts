import { parseDuration } from '../contract/duration.js';
import { formatValue, type FieldPath, type FieldProblem } from './problems.js';

/** Reports a duration of zero (the schema already rejects anything that is not a duration). */
export function checkDuration(value: unknown, path: FieldPath, problems: FieldProblem[]): void {
  if (typeof value === 'string' && parseDuration(value) === 0)
    problems.push({ path, message: `${formatValue(value)} is zero; must be longer than 0` });
}

/** The value as a mapping, or `undefined` when it is not one. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The value as a list, or empty when it is not one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
