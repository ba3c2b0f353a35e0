import { describe, expect, it } from 'vitest';
import { GoRegexpSyntaxError, UnsupportedGoRegexpError, compileGoRegexp } from '../../src/tools/go-regexp.js';

describe('compileGoRegexp', () => {
  it('matches anywhere in the text, as Go regexp.Match does', () => {
    expect(compileGoRegexp('pipeline').test('team/penguin-pipeline-v2')).toBe(true);
  });

  it('translates leading flags, named groups, \\A, \\z, POSIX classes and \\Q…\\E', () => {
    expect(compileGoRegexp('(?i)^PENGUIN$').test('penguin')).toBe(true);
    expect(compileGoRegexp('(?P<name>[[:alpha:]]+)-v2').test('penguin-v2')).toBe(true);
    expect(compileGoRegexp('\\Apenguin\\z').test('penguin\n')).toBe(false);
    expect(compileGoRegexp('^\\Qa.b\\E$').test('axb')).toBe(false);
    expect(compileGoRegexp('^\\Qa.b\\E$').test('a.b')).toBe(true);
  });

  it("keeps Go's ASCII-only \\s", () => {
    expect(compileGoRegexp('^\\s$').test('\u00a0')).toBe(false);
    expect(compileGoRegexp('^\\s$').test('\t')).toBe(true);
  });

  it('rejects what Go rejects: look-around and backreferences', () => {
    expect(() => compileGoRegexp('(?!x)')).toThrow(GoRegexpSyntaxError);
    expect(() => compileGoRegexp('(a)\\1')).toThrow(
      new GoRegexpSyntaxError('error parsing regexp: invalid escape sequence: `\\1`'),
    );
  });

  it('refuses RE2 syntax it does not translate', () => {
    expect(() => compileGoRegexp('(?U)a+')).toThrow(UnsupportedGoRegexpError);
    expect(() => compileGoRegexp('\\p{Greek}')).toThrow(
      /\\p is not supported by kfp-events' RE2 translation/,
    );
  });
});
