/**
 * Compiles Go (RE2) regular expressions, as Argo Events' string data filters use them, into
 * JavaScript `RegExp`s with the same matching behaviour for the syntax both share.
 *
 * Translated: leading flag groups `(?i)`, `(?s)`, `(?m)` (and combinations), `(?P<name>…)`, `\A`,
 * `\z`, POSIX classes such as `[[:alpha:]]`, `\Q…\E`, and Go's ASCII-only `\s`. Refused as Go refuses
 * them (Go's `regexp.Compile` fails, so Argo drops the event): look-around, backreferences.
 * Refused as unsupported here (Go accepts them; the answer would be a guess): flags after the start
 * or `U`, Unicode classes `\p…`, and `\C`.
 */

import { UnsupportedSyntaxError } from './errors.js';

/** Thrown where Go's `regexp.Compile` would fail too. */
export class GoRegexpSyntaxError extends Error {
  override readonly name = 'GoRegexpSyntaxError';
}

/** Thrown for RE2 syntax this translation does not implement. */
export class UnsupportedGoRegexpError extends UnsupportedSyntaxError {
  override readonly name = 'UnsupportedGoRegexpError';
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const GO_SPACE = '\\t\\n\\f\\r ';

/** Compiles a Go regular expression to an equivalent unanchored JavaScript `RegExp`. */
export function compileGoRegexp(pattern: string): RegExp {
  let flags = '';
  let body = pattern;
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (leading) {
    for (const flag of leading[1] as string) {
      if (flag === 'i' || flag === 's' || flag === 'm') {
        if (!flags.includes(flag)) flags += flag;
      } else if (flag === 'U') {
        throw new UnsupportedGoRegexpError(
          `regexp ${JSON.stringify(pattern)}: the U (ungreedy) flag is not supported`,
        );
      } else {
        throw new GoRegexpSyntaxError(
          `error parsing regexp: invalid or unsupported Perl syntax: \`(?${flag}\` in ${JSON.stringify(pattern)}`,
        );
      }
    }
    body = body.slice(leading[0].length);
  }

  const source = translate(body, pattern);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new GoRegexpSyntaxError(
      `error parsing regexp ${JSON.stringify(pattern)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function translate(body: string, pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    const next = body[i + 1];

    if (c === '\\') {
      if (next === undefined)
        throw new GoRegexpSyntaxError(`error parsing regexp: trailing backslash at end of expression: \`\``);
      i++;
      if (next === 'Q') {
        const end = body.indexOf('\\E', i + 1);
        const literal = body.slice(i + 1, end === -1 ? undefined : end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? body.length : end + 1;
      } else if (next === 'A' && !inClass) {
        out += '(?<![\\s\\S])';
      } else if (next === 'z' && !inClass) {
        out += '(?![\\s\\S])';
      } else if (next === 's') {
        out += inClass ? GO_SPACE : `[${GO_SPACE}]`;
      } else if (next === 'S') {
        out += inClass ? unsupported(pattern, '\\S inside a character class') : `[^${GO_SPACE}]`;
      } else if (/[1-9]/.test(next)) {
        throw new GoRegexpSyntaxError(`error parsing regexp: invalid escape sequence: \`\\${next}\``);
      } else if (next === 'p' || next === 'P' || next === 'C') {
        unsupported(pattern, `\\${next}`);
      } else {
        out += `\\${next}`;
      }
      continue;
    }

    if (inClass) {
      if (c === '[' && next === ':') {
        const end = body.indexOf(':]', i + 2);
        const name = end === -1 ? '' : body.slice(i + 2, end);
        const negated = name.startsWith('^');
        const set = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (set === undefined)
          throw new GoRegexpSyntaxError(
            `error parsing regexp: invalid character class range: \`[:${name}:]\``,
          );
        if (negated) unsupported(pattern, `[:${name}:]`);
        out += set;
        i = end + 1;
      } else if (c === ']' && !out.endsWith('[') && !out.endsWith('[^')) {
        inClass = false;
        out += c;
      } else {
        out += c === '[' ? '\\[' : c;
      }
      continue;
    }

    if (c === '[') {
      inClass = true;
      out += c;
      if (next === '^') {
        out += '^';
        i++;
      }
      if (body[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (c === '(' && next === '?') {
      const rest = body.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
      } else if (/^<[A-Za-z_]/.test(rest)) {
        out += '(?<';
        i += 2;
      } else if (rest.startsWith(':')) {
        out += '(?:';
        i += 2;
      } else if (/^(=|!|<=|<!)/.test(rest)) {
        throw new GoRegexpSyntaxError(
          `error parsing regexp: invalid or unsupported Perl syntax: \`(?${rest.slice(0, rest[0] === '<' ? 2 : 1)}\``,
        );
      } else {
        unsupported(pattern, `(?${rest.slice(0, 3)}… (flags after the start)`);
      }
    } else {
      out += c;
    }
  }
  return out;
}

function unsupported(pattern: string, what: string): never {
  throw new UnsupportedGoRegexpError(
    `regexp ${JSON.stringify(pattern)}: ${what} is not supported by kfp-events' RE2 translation`,
  );
}
