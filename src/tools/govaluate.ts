/**
 * A safe evaluator for the subset of govaluate (github.com/Knetic/govaluate) expressions that Argo
 * Events `exprs` filters use: literals (numbers, 'single' or "double" quoted strings, `true`,
 * `false`), parameters (`name` or `[any name]`), parentheses, `!`, unary `-`, `+ - * / %`,
 * `== != < <= > >=`, `=~ !~` (Go regular expressions) and `&& ||`.
 *
 * Nothing is ever passed to `eval`. Syntax outside the subset (ternaries, `??`, `in`, functions,
 * bitwise operators, accessors, date literals) raises {@link UnsupportedExpressionError}; errors
 * govaluate would raise at evaluation time (wrong operand types, missing parameters) raise
 * {@link ExpressionEvaluationError}.
 */
import { UnsupportedSyntaxError } from './errors.js';
import { compileGoRegexp } from './go-regexp.js';

/** Thrown for expressions outside the supported govaluate subset, or that do not parse. */
export class UnsupportedExpressionError extends UnsupportedSyntaxError {
  override readonly name = 'UnsupportedExpressionError';
}

/** Thrown where govaluate would fail while evaluating (types, missing parameters). */
export class ExpressionEvaluationError extends Error {
  override readonly name = 'ExpressionEvaluationError';
}

type Token =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'op'; readonly op: string };

type Node =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'unary'; readonly op: string; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node };

/** Binary operators from loosest to tightest binding. */
const PRECEDENCE: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['==', '!=', '<', '<=', '>', '>=', '=~', '!~'],
  ['+', '-'],
  ['*', '/', '%'],
];

const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '=~',
  '!~',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
];
const UNSUPPORTED_OPERATORS = ['??', '**', '<<', '>>', '?', ':', ',', '&', '|', '^', '~'];

/** A parsed expression, ready to evaluate against parameters. */
export class Expression {
  /** Parses `text`; throws {@link UnsupportedExpressionError} for anything outside the subset. */
  static parse(text: string): Expression {
    const tokens = tokenize(text);
    const parser = new Parser(tokens, text);
    const root = parser.parseBinary(0);
    parser.expectEnd();
    return new Expression(text, root);
  }

  private constructor(
    /** The expression as written. */
    readonly text: string,
    private readonly root: Node,
  ) {}

  /** Evaluates with the given parameters. */
  evaluate(parameters: Readonly<Record<string, unknown>>): unknown {
    return evaluate(this.root, parameters);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    const number = /^\d+(\.\d+)?/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (space) {
      i += space[0].length;
    } else if (number) {
      tokens.push({ kind: 'value', value: Number(number[0]) });
      i += number[0].length;
    } else if (rest[0] === '"' || rest[0] === "'") {
      const { value, length } = readString(rest, text, i);
      tokens.push({ kind: 'value', value });
      i += length;
    } else if (rest[0] === '[') {
      const end = rest.indexOf(']');
      if (end === -1)
        throw new UnsupportedExpressionError(
          `expression ${JSON.stringify(text)}: unclosed "[" at offset ${i}`,
        );
      tokens.push({ kind: 'param', name: rest.slice(1, end) });
      i += end + 1;
    } else if (word) {
      const name = word[0];
      if (rest[name.length] === '(' || rest[name.length] === '.' || name === 'in') {
        throw new UnsupportedExpressionError(
          `expression ${JSON.stringify(text)}: "${name}${rest[name.length] ?? ''}" at offset ${i} (functions, accessors and "in") is not supported`,
        );
      }
      tokens.push(
        name === 'true' || name === 'false'
          ? { kind: 'value', value: name === 'true' }
          : { kind: 'param', name },
      );
      i += name.length;
    } else {
      const bad = UNSUPPORTED_OPERATORS.find(
        (op) => rest.startsWith(op) && !OPERATORS.some((ok) => ok.length > op.length && rest.startsWith(ok)),
      );
      const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
      if (op === undefined || bad !== undefined) {
        throw new UnsupportedExpressionError(
          `expression ${JSON.stringify(text)}: "${bad ?? rest[0]}" at offset ${i} is not supported (supported: ${OPERATORS.join(' ')})`,
        );
      }
      tokens.push({ kind: 'op', op });
      i += op.length;
    }
  }
  return tokens;
}

function readString(rest: string, text: string, offset: number): { value: string; length: number } {
  const quote = rest[0] as string;
  let value = '';
  for (let j = 1; j < rest.length; j++) {
    const c = rest[j] as string;
    if (c === '\\' && j + 1 < rest.length) {
      value += rest[++j] as string;
    } else if (c === quote) {
      return { value, length: j + 1 };
    } else {
      value += c;
    }
  }
  throw new UnsupportedExpressionError(
    `expression ${JSON.stringify(text)}: unclosed string at offset ${offset}`,
  );
}

class Parser {
  private at = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly text: string,
  ) {}

  parseBinary(level: number): Node {
    const ops = PRECEDENCE[level];
    if (ops === undefined) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (let token = this.peek(); token?.kind === 'op' && ops.includes(token.op); token = this.peek()) {
      this.at++;
      left = { kind: 'binary', op: token.op, left, right: this.parseBinary(level + 1) };
    }
    return left;
  }

  expectEnd(): void {
    if (this.at < this.tokens.length) this.fail(`unexpected ${describe(this.tokens[this.at])}`);
  }

  private parseUnary(): Node {
    const token = this.tokens[this.at++];
    if (token === undefined) return this.fail('unexpected end of expression');
    if (token.kind !== 'op') return token;
    if (token.op === '!' || token.op === '-')
      return { kind: 'unary', op: token.op, operand: this.parseUnary() };
    if (token.op === '(') {
      const inner = this.parseBinary(0);
      const close = this.tokens[this.at++];
      if (close?.kind !== 'op' || close.op !== ')') this.fail('missing ")"');
      return inner;
    }
    return this.fail(`unexpected ${describe(token)}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private fail(message: string): never {
    throw new UnsupportedExpressionError(`expression ${JSON.stringify(this.text)}: ${message}`);
  }
}

function describe(token: Token | undefined): string {
  if (token === undefined) return 'end of expression';
  if (token.kind === 'op') return `"${token.op}"`;
  if (token.kind === 'param') return `parameter "${token.name}"`;
  return `value ${JSON.stringify(token.value)}`;
}

function evaluate(node: Node, parameters: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case 'value':
      return node.value;
    case 'param':
      if (!Object.prototype.hasOwnProperty.call(parameters, node.name)) {
        throw new ExpressionEvaluationError(`No parameter '${node.name}' found.`);
      }
      return parameters[node.name];
    case 'unary': {
      const operand = evaluate(node.operand, parameters);
      if (node.op === '!') return !requireBool(operand, '!');
      return -requireNumber(operand, '-', 'modifier');
    }
    case 'binary':
      return evaluateBinary(node.op, node.left, node.right, parameters);
  }
}

function evaluateBinary(
  op: string,
  leftNode: Node,
  rightNode: Node,
  parameters: Readonly<Record<string, unknown>>,
): unknown {
  const left = evaluate(leftNode, parameters);
  if (op === '&&' && !requireBool(left, op)) return false;
  if (op === '||' && requireBool(left, op)) return true;
  const right = evaluate(rightNode, parameters);

  switch (op) {
    case '&&':
    case '||':
      return requireBool(right, op);
    case '==':
      return deepEqual(left, right);
    case '!=':
      return !deepEqual(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, left, right);
    case '=~':
    case '!~': {
      const matched = compileGoRegexp(requireString(right, op)).test(requireString(left, op));
      return op === '=~' ? matched : !matched;
    }
    case '+':
      if (typeof left === 'string' || typeof right === 'string') return `${goText(left)}${goText(right)}`;
      return requireNumber(left, op, 'modifier') + requireNumber(right, op, 'modifier');
    case '-':
      return requireNumber(left, op, 'modifier') - requireNumber(right, op, 'modifier');
    case '*':
      return requireNumber(left, op, 'modifier') * requireNumber(right, op, 'modifier');
    case '/':
      return requireNumber(left, op, 'modifier') / requireNumber(right, op, 'modifier');
    default:
      return requireNumber(left, op, 'modifier') % requireNumber(right, op, 'modifier');
  }
}

function compare(op: string, left: unknown, right: unknown): boolean {
  if (
    !(typeof left === 'number' && typeof right === 'number') &&
    !(typeof left === 'string' && typeof right === 'string')
  ) {
    requireNumber(typeof left === 'number' ? right : left, op, 'comparator');
  }
  const l = left as number | string;
  const r = right as number | string;
  return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
}

function requireBool(value: unknown, op: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ExpressionEvaluationError(
      `Value '${goText(value)}' cannot be used with the logical operator '${op}', it is not a bool`,
    );
  }
  return value;
}

function requireNumber(value: unknown, op: string, role: string): number {
  if (typeof value !== 'number') {
    throw new ExpressionEvaluationError(
      `Value '${goText(value)}' cannot be used with the ${role} '${op}', it is not a number`,
    );
  }
  return value;
}

function requireString(value: unknown, op: string): string {
  if (typeof value !== 'string') {
    throw new ExpressionEvaluationError(
      `Value '${goText(value)}' cannot be used with the comparator '${op}', it is not a string`,
    );
  }
  return value;
}

function goText(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
