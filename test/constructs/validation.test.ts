import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ConstructPropsError } from 'kfp-events';
import {
  dnsLabelProblem,
  escapeRegExp,
  exactRegExp,
  PropsValidator,
} from '../../src/constructs/validation.js';

describe('dnsLabelProblem', () => {
  it('accepts DNS-1123 labels up to the length limit', () => {
    expect(dnsLabelProblem('penguin-team')).toBeUndefined();
    expect(dnsLabelProblem('a'.repeat(63))).toBeUndefined();
    expect(dnsLabelProblem('0abc9')).toBeUndefined();
  });

  it('explains what is allowed when a name is not a label', () => {
    for (const bad of ['Penguin', '-penguin', 'penguin-', 'pen_guin', 'pen.guin', '']) {
      expect(dnsLabelProblem(bad)).toBe(
        `${JSON.stringify(bad)} is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit`,
      );
    }
  });

  it('names the length and the limit when a name is too long', () => {
    expect(dnsLabelProblem('abcdef', 5)).toBe('"abcdef" is 6 characters long: must be at most 5');
  });
});

describe('exactRegExp', () => {
  it('matches exactly the text, metacharacters included, and nothing around it', () => {
    const pattern = new RegExp(exactRegExp('team/penguin.v2+(beta)[x]{1}|y^$\\'));

    expect(pattern.test('team/penguin.v2+(beta)[x]{1}|y^$\\')).toBe(true);
    expect(pattern.test('team/penguin-v2+(beta)[x]{1}|y^$\\')).toBe(false);
    expect(pattern.test('xteam/penguin.v2+(beta)[x]{1}|y^$\\')).toBe(false);
    expect(new RegExp(exactRegExp('penguin-pipeline')).test('penguin-pipeline-v2')).toBe(false);
  });

  it('escapes each metacharacter with one backslash', () => {
    expect(escapeRegExp('a.b*c?')).toBe('a\\.b\\*c\\?');
  });
});

describe('PropsValidator', () => {
  it('throws nothing when no problem was recorded', () => {
    expect(() => new PropsValidator(Testing.chart()).throwIfAny()).not.toThrow();
  });

  it('throws one ConstructPropsError naming the construct path and listing every problem', () => {
    const validator = new PropsValidator(Testing.chart());
    validator.integer('replicas', 1.5, 1);
    validator.number('factor', Number.NaN, 1, 10);
    validator.fail('name', 'is wrong');

    let error: unknown;
    try {
      validator.throwIfAny();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConstructPropsError);
    expect((error as ConstructPropsError).name).toBe('ConstructPropsError');
    expect((error as ConstructPropsError).problems).toEqual([
      'replicas: 1.5 is not allowed: must be an integer at least 1',
      'factor: NaN is not allowed: must be a number from 1 to 10',
      'name: is wrong',
    ]);
    expect((error as Error).message).toBe(
      'test: 3 problems:\n  - replicas: 1.5 is not allowed: must be an integer at least 1\n' +
        '  - factor: NaN is not allowed: must be a number from 1 to 10\n  - name: is wrong',
    );
  });
});
