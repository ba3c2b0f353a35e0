/**
 * The subset of gjson (github.com/tidwall/gjson) path syntax that Argo Events Sensors use, evaluated
 * over parsed JSON, plus the sjson-style setter used for trigger parameter `dest` paths.
 *
 * Supported: dotted keys, `\`-escaped characters (`a\.b`), array indexes (`items.0`), `#` (array
 * length) and `#.key` (map the rest of the path over an array), and `*` / `?` wildcards in keys (the
 * first matching key wins, as in gjson). Queries (`#(…)`), modifiers (`@…`), pipes (`|`), multipaths
 * and literals (`!…`) are refused with {@link UnsupportedGjsonPathError}.
 */

import { UnsupportedSyntaxError } from './errors.js';

/** The JSON type of a result, named as gjson names them. */
export type GjsonType = 'Null' | 'False' | 'Number' | 'String' | 'True' | 'JSON';

/** What a gjson path finds. */
export interface GjsonResult {
  /** Whether the path matched anything. */
  readonly exists: boolean;
  /** The matched value (`undefined` when nothing matched). */
  readonly value: unknown;
  /** The matched value as JSON text (`''` when nothing matched). */
  readonly raw: string;
  /** The gjson type of the value (`Null` when nothing matched). */
  readonly type: GjsonType;
}

/** Thrown for gjson syntax this evaluator does not implement. */
export class UnsupportedGjsonPathError extends UnsupportedSyntaxError {
  override readonly name = 'UnsupportedGjsonPathError';
}

const NOT_FOUND: GjsonResult = { exists: false, value: undefined, raw: '', type: 'Null' };

/** One step of a parsed path. */
interface PathPart {
  readonly key: string;
  readonly wildcard: boolean;
  /** An unescaped `#`: the array length, or a map over the array. */
  readonly hash?: boolean;
}

/** Evaluates a gjson path against a parsed JSON value. */
export function gjsonGet(json: unknown, path: string): GjsonResult {
  const parts = parsePath(path);
  const found = walk(json, parts);
  return found === undefined ? NOT_FOUND : resultOf(found.value);
}

/** Wraps a JS value as a gjson result. */
export function resultOf(value: unknown): GjsonResult {
  return { exists: true, value, raw: JSON.stringify(value) ?? 'null', type: typeOf(value) };
}

/** gjson's `Result.String()`: strings as is, numbers as written, JSON as its text, null as `''`. */
export function gjsonString(result: GjsonResult): string {
  switch (result.type) {
    case 'Null':
      return '';
    case 'False':
      return 'false';
    case 'True':
      return 'true';
    case 'String':
      return result.value as string;
    case 'Number':
      return formatGoFloat(result.value as number);
    case 'JSON':
      return result.raw;
  }
}

/** gjson's `Result.Float()`: numbers as is, `true` as 1, strings parsed (0 when not a number). */
export function gjsonFloat(result: GjsonResult): number {
  switch (result.type) {
    case 'Number':
      return result.value as number;
    case 'True':
      return 1;
    case 'String':
      return parseGoFloat(result.value as string) ?? 0;
    default:
      return 0;
  }
}

/** gjson's `Result.Bool()`: `true`, non-zero numbers, and strings Go's `ParseBool` reads as true. */
export function gjsonBool(result: GjsonResult): boolean {
  switch (result.type) {
    case 'True':
      return true;
    case 'Number':
      return (result.value as number) !== 0;
    case 'String':
      return parseGoBool((result.value as string).toLowerCase()) ?? false;
    default:
      return false;
  }
}

/** Go's `strconv.ParseFloat` for decimal input, `inf` and `nan`; `undefined` where Go reports an error. */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d+)?$/.test(text)) return undefined;
  if (text.includes('_')) return undefined;
  return Number(text);
}

/** Go's `strconv.ParseBool`; `undefined` where Go reports an error. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/**
 * Sets `value` at an sjson path in a copy of `json` (objects and arrays are created as needed: a
 * numeric key under a missing parent makes an array, `-1` appends to an array).
 */
export function sjsonSet(json: unknown, path: string, value: unknown): unknown {
  const parts = parsePath(path);
  if (parts.some((part) => part.wildcard)) {
    throw new UnsupportedGjsonPathError(`sjson path "${path}" has a wildcard; a dest path cannot`);
  }
  return setIn(json, parts, 0, value);
}

function setIn(node: unknown, parts: readonly PathPart[], at: number, value: unknown): unknown {
  const part = parts[at];
  if (part === undefined) return value;
  const index = /^(-1|\d+)$/.test(part.key) ? Number(part.key) : undefined;

  if (Array.isArray(node) && index !== undefined) {
    const copy: unknown[] = [...(node as unknown[])];
    const target = index === -1 ? copy.length : index;
    while (copy.length < target) copy.push(null);
    copy[target] = setIn(copy[target], parts, at + 1, value);
    return copy;
  }
  if (isObject(node)) {
    return { ...node, [part.key]: setIn(node[part.key], parts, at + 1, value) };
  }
  if (index !== undefined) {
    const created: unknown[] = Array.from({ length: Math.max(index, 0) }, () => null);
    created.push(setIn(undefined, parts, at + 1, value));
    return created;
  }
  return { [part.key]: setIn(undefined, parts, at + 1, value) };
}

function walk(node: unknown, parts: readonly PathPart[]): { value: unknown } | undefined {
  const [part, ...rest] = parts;
  if (part === undefined) return { value: node };

  if (Array.isArray(node)) {
    const items = node as unknown[];
    if (part.hash === true) {
      if (rest.length === 0) return { value: items.length };
      const mapped: unknown[] = [];
      for (const item of items) {
        const found = walk(item, rest);
        if (found !== undefined) mapped.push(found.value);
      }
      return { value: mapped };
    }
    if (part.wildcard || !/^\d+$/.test(part.key)) return undefined;
    const index = Number(part.key);
    return index < items.length ? walk(items[index], rest) : undefined;
  }

  if (!isObject(node)) return undefined;
  if (part.wildcard) {
    const matcher = wildcardMatcher(part.key);
    for (const [key, value] of Object.entries(node)) {
      if (matcher.test(key)) return walk(value, rest);
    }
    return undefined;
  }
  return Object.prototype.hasOwnProperty.call(node, part.key) ? walk(node[part.key], rest) : undefined;
}

function parsePath(path: string): PathPart[] {
  if (path === '') return [];
  const first = path[0];
  if (first === '@' || first === '!' || first === '[' || first === '{') {
    throw new UnsupportedGjsonPathError(
      `gjson path "${path}": modifiers, literals and multipaths are not supported`,
    );
  }

  const parts: PathPart[] = [];
  let key = '';
  let pattern = '';
  let wildcard = false;
  let escaped = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '\\' && i + 1 < path.length) {
      const next = path[++i] as string;
      key += next;
      escaped = true;
      pattern += escapeRegExp(next);
    } else if (c === '.') {
      parts.push(finish(key, pattern, wildcard, escaped));
      key = '';
      pattern = '';
      wildcard = false;
      escaped = false;
    } else if (c === '|' || (c === '#' && path[i + 1] === '(') || (c === '@' && key === '')) {
      throw new UnsupportedGjsonPathError(
        `gjson path "${path}": "${c === '#' ? '#(' : c}" at offset ${i} (queries, pipes and modifiers) is not supported`,
      );
    } else if (c === '*' || c === '?') {
      wildcard = true;
      key += c;
      pattern += c === '*' ? '[\\s\\S]*' : '[\\s\\S]';
    } else {
      key += c;
      pattern += escapeRegExp(c);
    }
  }
  parts.push(finish(key, pattern, wildcard, escaped));
  return parts;
}

function finish(key: string, pattern: string, wildcard: boolean, escaped: boolean): PathPart {
  if (wildcard) return { key: pattern, wildcard: true };
  return key === '#' && !escaped ? { key, wildcard: false, hash: true } : { key, wildcard: false };
}

function wildcardMatcher(pattern: string): RegExp {
  return new RegExp(`^${pattern}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function typeOf(value: unknown): GjsonType {
  if (value === null || value === undefined) return 'Null';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return 'Number';
  if (typeof value === 'string') return 'String';
  return 'JSON';
}

/** Go's `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest round-trip digits, never an exponent. */
function formatGoFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  const text = String(value);
  if (!/e/i.test(text)) return text;

  const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = 1 + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
