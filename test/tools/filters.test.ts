import { describe, expect, it } from 'vitest';
import type { ArgoDataFilter, ArgoEvent, ArgoEventDependency, ArgoExprFilter } from '../../src/tools/argo.js';
import { UnsupportedFilterError, filterEvent } from '../../src/tools/filters.js';
import { UnsupportedGoRegexpError } from '../../src/tools/go-regexp.js';

// Cases follow Argo Events v1.9 docs/sensors/filters/{data,expr,ctx}.md and the behaviour of
// pkg/sensors/dependencies/filter.go; each test names the doc example or the code path it mirrors.

function event(data: unknown, context: Partial<ArgoEvent['context']> = {}): ArgoEvent {
  return {
    context: {
      id: '1',
      source: 'webhook',
      specversion: '1.0',
      type: 'webhook',
      datacontenttype: 'application/json',
      subject: 'example',
      time: '2026-01-01T00:00:00Z',
      ...context,
    },
    data,
  };
}

function dependency(
  filters: ArgoEventDependency['filters'],
  filtersLogicalOperator?: string,
): ArgoEventDependency {
  return {
    name: 'dep',
    eventSourceName: 'webhook',
    eventName: 'example',
    filters,
    ...(filtersLogicalOperator ? { filtersLogicalOperator } : {}),
  };
}

const data = (...filters: ArgoDataFilter[]): ArgoEventDependency => dependency({ data: filters });

describe('string data filters', () => {
  const hello = data({ path: 'body.message', type: 'string', value: ['hello', 'hey'] });

  it('passes when any value matches (data.md practical example, filter-with-data-simple-1)', () => {
    expect(filterEvent(hello, event({ body: { message: 'hello' } }))).toEqual({ pass: true });
    expect(filterEvent(hello, event({ body: { message: 'hey' } }))).toEqual({ pass: true });
  });

  it('treats each value as an unanchored regexp, so "hello" also matches "say hello there" (data.md note: evaluated as a regex)', () => {
    expect(filterEvent(hello, event({ body: { message: 'say hello there' } }))).toEqual({ pass: true });
    expect(filterEvent(hello, event({ body: { message: 'this is my first webhook' } }))).toEqual({
      pass: false,
      failed: 'data filter body.message = "hello", "hey" (string) got "this is my first webhook"',
    });
  });

  it('matches exactly only with ^…$ anchors', () => {
    const anchored = data({ path: 'body.name', type: 'string', value: ['^penguin-pipeline$'] });
    expect(filterEvent(anchored, event({ body: { name: 'penguin-pipeline' } })).pass).toBe(true);
    expect(filterEvent(anchored, event({ body: { name: 'penguin-pipeline-v2' } })).pass).toBe(false);
    expect(filterEvent(anchored, event({ body: { name: 'team/penguin-pipeline' } })).pass).toBe(false);
  });

  it('with != passes when the value differs from ANY one of several values (filter.go: NotEqualTo per value)', () => {
    const notEither = data({
      path: 'body.status',
      type: 'string',
      comparator: '!=',
      value: ['^succeeded$', '^failed$'],
    });
    expect(filterEvent(notEither, event({ body: { status: 'succeeded' } })).pass).toBe(true);
    const notOne = data({ path: 'body.status', type: 'string', comparator: '!=', value: ['^succeeded$'] });
    expect(filterEvent(notOne, event({ body: { status: 'succeeded' } })).pass).toBe(false);
    expect(filterEvent(notOne, event({ body: { status: 'failed' } })).pass).toBe(true);
  });

  it('never passes with an ordering comparator on a string (filter.go: only = and != match strings)', () => {
    const ordered = data({ path: 'body.status', type: 'string', comparator: '>', value: ['a'] });
    expect(filterEvent(ordered, event({ body: { status: 'succeeded' } }))).toEqual({
      pass: false,
      failed: 'data filter body.status > "a" (string) got "succeeded"',
    });
  });

  it('compares numbers and booleans by their text', () => {
    const text = data({ path: 'body.n', type: 'string', value: ['^42$'] });
    expect(filterEvent(text, event({ body: { n: 42 } })).pass).toBe(true);
  });

  it('runs the value through a template first (data.md Template example: {{ b64dec .Input }})', () => {
    const templated = data({
      path: 'body.message',
      type: 'string',
      value: ['hello world'],
      template: '{{ b64dec .Input }}',
    });
    expect(filterEvent(templated, event({ body: { message: 'aGVsbG8gd29ybGQ=' } }))).toEqual({ pass: true });
  });

  it('drops the event when a value is not a valid Go regexp', () => {
    const broken = data({ path: 'body.message', type: 'string', value: ['(?=hello)'] });
    expect(filterEvent(broken, event({ body: { message: 'hello' } }))).toEqual({
      pass: false,
      error: 'data filter error (error parsing regexp: invalid or unsupported Perl syntax: `(?=`)',
    });
  });

  it('raises an UnsupportedGoRegexpError for RE2 syntax it cannot translate', () => {
    const unicode = data({ path: 'body.message', type: 'string', value: ['\\pL+'] });
    expect(() => filterEvent(unicode, event({ body: { message: 'hello' } }))).toThrow(
      UnsupportedGoRegexpError,
    );
  });
});

describe('number data filters', () => {
  const over50 = data({ path: 'body.value', type: 'number', comparator: '>', value: ['50.0'] });

  it('applies the comparator (data.md Comparator example: body.value > 50.0)', () => {
    expect(filterEvent(over50, event({ body: { value: 51 } })).pass).toBe(true);
    expect(filterEvent(over50, event({ body: { value: 50 } })).pass).toBe(false);
  });

  it.each([
    ['>=', 50, true],
    ['>=', 49.9, false],
    ['<', 49.9, true],
    ['<=', 50, true],
    ['<=', 50.1, false],
    ['=', 50, true],
    ['', 50, true],
    ['!=', 50, false],
    ['!=', 7, true],
  ])(
    'comparator "%s" against 50 with event value %d gives %s (data.md comparator list)',
    (comparator, value, pass) => {
      const filter = data({ path: 'body.value', type: 'number', comparator, value: ['50'] });
      expect(filterEvent(filter, event({ body: { value } })).pass).toBe(pass);
    },
  );

  it('reads numeric strings as numbers and other strings as 0 (gjson Result.Float)', () => {
    const zero = data({ path: 'body.value', type: 'number', value: ['0'] });
    expect(filterEvent(zero, event({ body: { value: 'not a number' } })).pass).toBe(true);
    expect(filterEvent(over50, event({ body: { value: '75' } })).pass).toBe(true);
  });

  it('drops the event when a filter value is not a number (strconv.ParseFloat error)', () => {
    const bad = data({ path: 'body.value', type: 'number', value: ['fifty'] });
    expect(filterEvent(bad, event({ body: { value: 50 } }))).toEqual({
      pass: false,
      error: 'data filter error (strconv.ParseFloat: parsing "fifty": invalid syntax)',
    });
  });
});

describe('bool data filters', () => {
  it('ignores the comparator (filter.go: JSONTypeBool compares for equality only)', () => {
    const isTrue = data({ path: 'a', type: 'bool', comparator: '!=', value: ['true'] });
    expect(filterEvent(isTrue, event({ a: true })).pass).toBe(true);
    expect(filterEvent(isTrue, event({ a: false })).pass).toBe(false);
  });

  it('drops the event when a filter value is not a Go bool', () => {
    expect(filterEvent(data({ path: 'a', type: 'bool', value: ['yes'] }), event({ a: true }))).toEqual({
      pass: false,
      error: 'data filter error (strconv.ParseBool: parsing "yes": invalid syntax)',
    });
  });
});

describe('missing paths and logical operators', () => {
  // data.md "Logical operator" example, with dataLogicalOperator "or".
  const docFilters: ArgoDataFilter[] = [
    { path: 'a', type: 'bool', value: ['true'] },
    { path: 'b.c', type: 'number', value: ['3.14'] },
    { path: 'b.d', type: 'string', value: ['hello there'] },
  ];

  it('drops the event when a path is missing, naming it (and)', () => {
    expect(
      filterEvent(data({ path: 'body.data.status', type: 'string', value: ['x'] }), event({ body: {} })),
    ).toEqual({
      pass: false,
      error: "data filter error (path 'body.data.status' does not exist)",
    });
  });

  it('with and, needs every filter (data.md: all data filters returning true are required)', () => {
    const all = dependency({ data: docFilters });
    expect(filterEvent(all, event({ a: true, b: { c: 3.14, d: 'hello there' } })).pass).toBe(true);
    expect(filterEvent(all, event({ a: true, b: { c: 2, d: 'hello there' } })).pass).toBe(false);
  });

  it('with or, one passing filter is enough (data.md logical operator example)', () => {
    const any = dependency({ dataLogicalOperator: 'or', data: docFilters });
    expect(filterEvent(any, event({ a: false, b: { c: 3.14, d: 'bye' } })).pass).toBe(true);
    expect(filterEvent(any, event({ a: false, b: { c: 1, d: 'bye' } })).pass).toBe(false);
  });

  it('with or, a passing filter wins over an earlier missing path, but errors drop the event otherwise', () => {
    const any = dependency({ dataLogicalOperator: 'or', data: docFilters });
    expect(filterEvent(any, event({ b: { c: 3.14, d: 'x' } }))).toEqual({ pass: true });
    expect(filterEvent(any, event({ b: { c: 1 } }))).toEqual({
      pass: false,
      error: "data filter errors [path 'a' does not exist / path 'b.d' does not exist]",
    });
  });

  it('reads escaped dots and array lengths in paths', () => {
    const escaped = data({
      path: 'body.labels.app\\.kubernetes\\.io/name',
      type: 'string',
      value: ['^penguin$'],
    });
    expect(
      filterEvent(escaped, event({ body: { labels: { 'app.kubernetes.io/name': 'penguin' } } })).pass,
    ).toBe(true);
    const count = data({ path: 'body.items.#', type: 'number', comparator: '>=', value: ['2'] });
    expect(filterEvent(count, event({ body: { items: [1, 2] } })).pass).toBe(true);
    const names = data({ path: 'body.items.#.name', type: 'string', value: ['"b"'] });
    expect(filterEvent(names, event({ body: { items: [{ name: 'a' }, { name: 'b' }] } })).pass).toBe(true);
  });
});

describe('expr filters', () => {
  // expr.md logical operator example.
  const docExprs: ArgoExprFilter[] = [
    {
      expr: 'a == "b" || c != 10',
      fields: [
        { name: 'a', path: 'a' },
        { name: 'c', path: 'c' },
      ],
    },
    { expr: 'e == false', fields: [{ name: 'e', path: 'd.e' }] },
  ];

  it('with and, needs every expression (expr.md example without exprLogicalOperator)', () => {
    const all = dependency({ exprs: docExprs });
    expect(filterEvent(all, event({ a: 'b', c: 10, d: { e: false } })).pass).toBe(true);
    expect(filterEvent(all, event({ a: 'x', c: 10, d: { e: false } })).pass).toBe(false);
  });

  it('with or, one true expression is enough (expr.md exprLogicalOperator "or" example)', () => {
    const any = dependency({ exprLogicalOperator: 'or', exprs: docExprs });
    expect(filterEvent(any, event({ a: 'x', c: 10, d: { e: false } })).pass).toBe(true);
    expect(filterEvent(any, event({ a: 'x', c: 10, d: { e: true } })).pass).toBe(false);
  });

  it.each([
    ['action =~ "start"', { action: 'restart' }, true],
    ['action == "end" && started == true', { action: 'end', started: true }, true],
    [
      'action =~ "start" || (started == true && instances == 2)',
      { action: 'stop', started: true, instances: 2 },
      true,
    ],
    [
      'action =~ "start" || (started == true && instances == 2)',
      { action: 'stop', started: true, instances: 3 },
      false,
    ],
  ])('evaluates the expr.md example %s on %j to %s', (expr, payload, pass) => {
    const fields = Object.keys(payload).map((name) => ({ name, path: name }));
    expect(filterEvent(dependency({ exprs: [{ expr, fields }] }), event(payload)).pass).toBe(pass);
  });

  it('drops the event on a type error, as govaluate fails', () => {
    const typed = dependency({ exprs: [{ expr: 'n > 1', fields: [{ name: 'n', path: 'n' }] }] });
    expect(filterEvent(typed, event({ n: true }))).toEqual({
      pass: false,
      error: "expr filter error (Value 'true' cannot be used with the comparator '>', it is not a number)",
    });
  });

  it('drops the event when a field path is missing', () => {
    const missing = dependency({ exprs: [{ expr: 'n > 1', fields: [{ name: 'n', path: 'body.n' }] }] });
    expect(filterEvent(missing, event({}))).toEqual({
      pass: false,
      error: "expr filter error (path 'body.n' does not exist)",
    });
  });
});

describe('context filters and filtersLogicalOperator', () => {
  it('compares the set context fields exactly (ctx.md: source)', () => {
    const ctx = dependency({ context: { source: 'webhook', type: 'webhook' } });
    expect(filterEvent(ctx, event({})).pass).toBe(true);
    expect(filterEvent(ctx, event({}, { source: 'other' })).pass).toBe(false);
  });

  it('with filtersLogicalOperator or, one passing group is enough; with and, every group must pass', () => {
    const filters = { context: { source: 'other' }, data: [{ path: 'a', type: 'string', value: ['^x$'] }] };
    expect(filterEvent(dependency(filters, 'or'), event({ a: 'x' })).pass).toBe(true);
    expect(filterEvent(dependency(filters), event({ a: 'x' })).pass).toBe(false);
  });

  it('with filtersLogicalOperator or, an error in any group drops the event', () => {
    const filters = {
      context: { source: 'webhook' },
      data: [{ path: 'missing', type: 'string', value: ['x'] }],
    };
    expect(filterEvent(dependency(filters, 'or'), event({}))).toEqual({
      pass: false,
      error: "data filter error (path 'missing' does not exist)",
    });
  });

  it('refuses to guess at time and script filters', () => {
    expect(() => filterEvent(dependency({ time: { start: '00:00', stop: '12:00' } }), event({}))).toThrow(
      new UnsupportedFilterError('dependency "dep": time filters are not simulated'),
    );
  });
});
