import { describe, expect, it } from 'vitest';
import {
  Expression,
  ExpressionEvaluationError,
  UnsupportedExpressionError,
} from '../../src/tools/govaluate.js';

const run = (text: string, parameters: Record<string, unknown> = {}): unknown =>
  Expression.parse(text).evaluate(parameters);

describe('Expression (govaluate subset)', () => {
  it('binds && tighter than || and honours parentheses', () => {
    expect(run('true || false && false')).toBe(true);
    expect(run('(true || false) && false')).toBe(false);
  });

  it('does arithmetic before comparison, and concatenates with + when a side is a string', () => {
    expect(run('a * 2 + 1 == 7', { a: 3 })).toBe(true);
    expect(run('10 % 4 - -1')).toBe(3);
    expect(run("name + '-v' + 2", { name: 'penguin' })).toBe('penguin-v2');
  });

  it('compares strings lexicographically and values of different types as unequal', () => {
    expect(run('"abc" < "abd"')).toBe(true);
    expect(run('n == "1"', { n: 1 })).toBe(false);
  });

  it('matches Go regexps with =~ and !~', () => {
    expect(run('name =~ "^penguin"', { name: 'penguin-pipeline' })).toBe(true);
    expect(run('name !~ "v2$"', { name: 'penguin-pipeline-v2' })).toBe(false);
  });

  it('reads [bracketed] parameter names that are not identifiers', () => {
    expect(run('[run-status] == "failed"', { 'run-status': 'failed' })).toBe(true);
  });

  it('raises govaluate errors for missing parameters and wrong operand types', () => {
    expect(() => run('x == 1')).toThrow(new ExpressionEvaluationError("No parameter 'x' found."));
    expect(() => run('!n', { n: 1 })).toThrow(
      new ExpressionEvaluationError(
        "Value '1' cannot be used with the logical operator '!', it is not a bool",
      ),
    );
  });

  it('refuses syntax outside the subset, naming it', () => {
    expect(() => Expression.parse('a ? 1 : 2')).toThrow(UnsupportedExpressionError);
    expect(() => Expression.parse('a ?? 1')).toThrow(/"\?\?" at offset 2 is not supported/);
    expect(() => Expression.parse('strlen(a) > 1')).toThrow(
      /"strlen\(" at offset 0 \(functions, accessors and "in"\) is not supported/,
    );
    expect(() => Expression.parse('(a == 1')).toThrow(
      new UnsupportedExpressionError('expression "(a == 1": missing ")"'),
    );
  });
});
