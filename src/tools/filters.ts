/**
 * Argo Events (v1.9) dependency filter semantics, evaluated the way the Sensor does
 * (`pkg/sensors/dependencies/filter.go`), with Argo's own error texts.
 *
 * - Data filters: the `path` is a gjson path into the event data; a missing path is an error and the
 *   event is dropped. `string` values are unanchored Go regular expressions; `=` (or no comparator)
 *   passes when any value matches, `!=` passes when any value does NOT match (not "none match").
 *   `number` compares the event value as a float (non-numeric strings count as 0) with each value
 *   under `=`, `!=`, `<`, `<=`, `>`, `>=`; `bool` ignores the comparator. A `template` rewrites the
 *   event value first.
 * - `dataLogicalOperator` / `exprLogicalOperator`: `and` (default) or `or` between the filters of a
 *   group; `filtersLogicalOperator` between the groups (expr, data, context). With `or`, an error in
 *   one filter is collected and the event is dropped when any error was seen.
 * - Context filters compare `type`, `subject`, `source`, `datacontenttype` exactly.
 *
 * Time and script filters are not simulated: they raise {@link UnsupportedFilterError}.
 */
import type {
  ArgoDataFilter,
  ArgoEvent,
  ArgoEventContextFilter,
  ArgoEventDependency,
  ArgoExprFilter,
  LogicalOperator,
} from './argo.js';
import { logicalOperator } from './argo.js';
import { UnsupportedSyntaxError } from './errors.js';
import {
  gjsonBool,
  gjsonFloat,
  gjsonGet,
  gjsonString,
  parseGoBool,
  parseGoFloat,
  resultOf,
} from './gjson.js';
import { GoRegexpSyntaxError, compileGoRegexp } from './go-regexp.js';
import { executeGoTemplate } from './go-template.js';
import { Expression, ExpressionEvaluationError } from './govaluate.js';

/** The outcome of a dependency's filters for one event. */
export interface FilterOutcome {
  /** Whether the event passes (and so resolves the dependency). */
  readonly pass: boolean;
  /** The error Argo would log when it drops the event, if any. */
  readonly error?: string;
  /** When `and` filters do not pass: the first that failed and the value it saw, for people to read. */
  readonly failed?: string;
}

/** Thrown for filters whose Argo behaviour these tools do not reproduce (time, script). */
export class UnsupportedFilterError extends UnsupportedSyntaxError {
  override readonly name = 'UnsupportedFilterError';
}

const ERROR_SEPARATOR = ' / ';

/** Group verdict: a pass flag, and the error Argo would report. */
interface GroupOutcome {
  readonly pass: boolean;
  readonly error?: string;
  readonly failed?: string;
}

/** Applies a dependency's filters to an event, as the Sensor does before resolving the dependency. */
export function filterEvent(dependency: ArgoEventDependency, event: ArgoEvent): FilterOutcome {
  const filter = dependency.filters;
  if (filter === undefined) return { pass: true };
  if (filter.time !== undefined)
    throw new UnsupportedFilterError(`dependency "${dependency.name}": time filters are not simulated`);
  if (filter.script !== undefined && filter.script !== '') {
    throw new UnsupportedFilterError(`dependency "${dependency.name}": script filters are not simulated`);
  }

  const operator = logicalOperator(dependency.filtersLogicalOperator);
  const expr = filterExprs(filter.exprs, logicalOperator(filter.exprLogicalOperator), event.data);
  const data = filterData(filter.data, logicalOperator(filter.dataLogicalOperator), event.data);
  const context = filterContext(filter.context, event.context);

  if (operator === 'and') {
    const failed = [expr, data].find((group) => group.error !== undefined);
    if (failed?.error !== undefined) return { pass: false, error: failed.error };
    const pass = expr.pass && data.pass && context;
    const why = expr.failed ?? data.failed ?? (context ? undefined : 'the context filter');
    return pass || why === undefined ? { pass } : { pass, failed: why };
  }

  const errors = [expr.error, data.error].filter((error): error is string => error !== undefined);
  if (errors.length > 0) return { pass: false, error: errors.join(ERROR_SEPARATOR) };
  return {
    pass:
      (filter.exprs !== undefined && expr.pass) ||
      (filter.data !== undefined && data.pass) ||
      (filter.context !== undefined && context),
  };
}

/** Applies a list of data filters with a logical operator (Argo's `filterData`). */
export function filterData(
  filters: readonly ArgoDataFilter[] | undefined,
  operator: LogicalOperator,
  data: unknown,
): GroupOutcome {
  if (filters === undefined || filters.length === 0) return { pass: true };
  return combine(
    'data',
    operator,
    filters,
    (filter) => evaluateDataFilter(filter, data, operator),
    (filter) => describeDataFilter(filter, data),
  );
}

/** Applies a list of expression filters with a logical operator (Argo's `filterExpr`). */
export function filterExprs(
  filters: readonly ArgoExprFilter[] | undefined,
  operator: LogicalOperator,
  data: unknown,
): GroupOutcome {
  if (filters === undefined) return { pass: true };
  return combine(
    'expr',
    operator,
    filters,
    (filter) => evaluateExprFilter(filter, data),
    (filter) => `expr filter ${JSON.stringify(filter.expr)}`,
  );
}

/** Compares the non-empty fields of a context filter with the event's context (Argo's `filterContext`). */
export function filterContext(
  expected: ArgoEventContextFilter | undefined,
  actual: ArgoEvent['context'],
): boolean {
  if (expected === undefined) return true;
  return (['type', 'subject', 'source', 'datacontenttype'] as const).every(
    (field) => !expected[field] || expected[field] === actual[field],
  );
}

/** One filter's verdict: `true`/`false`, or the error text Argo gives. */
type Verdict = boolean | { readonly error: string };

function combine<F>(
  group: string,
  operator: LogicalOperator,
  filters: readonly F[],
  evaluate: (filter: F) => Verdict | 'skip',
  describe: (filter: F) => string,
): GroupOutcome {
  const errors: string[] = [];
  for (const filter of filters) {
    const verdict = evaluate(filter);
    if (verdict === 'skip') continue;
    if (typeof verdict === 'object') {
      if (operator === 'and') return { pass: false, error: `${group} filter error (${verdict.error})` };
      errors.push(verdict.error);
    } else if (verdict && operator === 'or') {
      return { pass: true };
    } else if (!verdict && operator === 'and') {
      return { pass: false, failed: describe(filter) };
    }
  }
  if (operator === 'and') return { pass: true };
  return errors.length > 0
    ? { pass: false, error: `${group} filter errors [${errors.join(ERROR_SEPARATOR)}]` }
    : { pass: false };
}

function evaluateDataFilter(
  filter: ArgoDataFilter,
  data: unknown,
  operator: LogicalOperator,
): Verdict | 'skip' {
  let result = gjsonGet(data, filter.path);
  if (!result.exists) return { error: `path '${filter.path}' does not exist` };
  const values = filter.value ?? [];
  if (values.length === 0) return { error: 'no values specified' };

  if (filter.template !== undefined && filter.template !== '') {
    const out = executeGoTemplate(filter.template, gjsonString(result));
    if (out === '' || out === '<no value>') {
      return {
        error:
          operator === 'or'
            ? `template evaluated to empty string or no value: '${filter.template}'`
            : `template '${filter.template}' evaluated to empty string or no value`,
      };
    }
    result = resultOf(out);
  }

  switch (filter.type) {
    case 'bool': {
      for (const value of values) {
        const expected = parseGoBool(value);
        if (expected === undefined)
          return { error: `strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax` };
        if (expected === gjsonBool(result)) return true;
      }
      return false;
    }
    case 'number': {
      const actual = gjsonFloat(result);
      for (const value of values) {
        const expected = parseGoFloat(value);
        if (expected === undefined)
          return { error: `strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax` };
        if (compareNumbers(filter.comparator, actual, expected)) return true;
      }
      return false;
    }
    case 'string': {
      const actual = gjsonString(result);
      for (const value of values) {
        let pattern: RegExp;
        try {
          pattern = compileGoRegexp(value);
        } catch (err) {
          if (err instanceof GoRegexpSyntaxError) return { error: err.message };
          throw err;
        }
        const matched = pattern.test(actual);
        if (isNotEqual(filter.comparator) ? !matched : isEqual(filter.comparator) && matched) return true;
      }
      return false;
    }
    default:
      return { error: `unsupported JSON type '${filter.type}'` };
  }
}

function describeDataFilter(filter: ArgoDataFilter, data: unknown): string {
  const comparator = filter.comparator ?? '=';
  const values = (filter.value ?? []).map((value) => JSON.stringify(value)).join(', ');
  return `data filter ${filter.path} ${comparator} ${values} (${filter.type}) got ${gjsonGet(data, filter.path).raw}`;
}

function evaluateExprFilter(filter: ArgoExprFilter, data: unknown): Verdict | 'skip' {
  const parameters: Record<string, unknown> = {};
  for (const field of filter.fields ?? []) {
    const result = gjsonGet(data, field.path);
    if (!result.exists) return { error: `path '${field.path}' does not exist` };
    parameters[field.name] = result.value;
  }
  if (Object.keys(parameters).length === 0) return 'skip';

  const expression = Expression.parse(filter.expr);
  try {
    return expression.evaluate(parameters) === true;
  } catch (err) {
    if (err instanceof ExpressionEvaluationError || err instanceof GoRegexpSyntaxError)
      return { error: err.message };
    throw err;
  }
}

function compareNumbers(comparator: string | undefined, actual: number, expected: number): boolean {
  switch (comparator) {
    case '>=':
      return actual >= expected;
    case '>':
      return actual > expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '!=':
      return actual !== expected;
    case '=':
    case '':
    case undefined:
      return actual === expected;
    default:
      return false;
  }
}

function isEqual(comparator: string | undefined): boolean {
  return comparator === undefined || comparator === '' || comparator === '=';
}

function isNotEqual(comparator: string | undefined): boolean {
  return comparator === '!=';
}

/** Go's `strconv.Quote` for printable text. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}
