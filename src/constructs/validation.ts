import type { IConstruct } from 'constructs';

/** The error thrown when a construct is given props it cannot synthesize into working objects. */
export class ConstructPropsError extends Error {
  override readonly name = 'ConstructPropsError';

  /** The problems found, one line each: `<property>: <what is wrong and what is allowed>`. */
  readonly problems: readonly string[];

  constructor(path: string, problems: readonly string[]) {
    super(
      problems.length === 1
        ? `${path}: ${problems[0]}`
        : `${path}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Collects the problems in one construct's props, then throws them together. */
export class PropsValidator {
  private readonly problems: string[] = [];

  constructor(private readonly scope: IConstruct) {}

  /** Records a problem with one property. */
  fail(property: string, message: string): void {
    this.problems.push(`${property}: ${message}`);
  }

  /** Records a problem unless `value` is a DNS-1123 label of at most `maxLength` characters. */
  dnsLabel(property: string, value: string, maxLength: number = DNS_LABEL_MAX_LENGTH): void {
    const problem = dnsLabelProblem(value, maxLength);
    if (problem) this.fail(property, problem);
  }

  /** Records a problem unless `value` is an integer within `[min, max]`. */
  integer(property: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
      this.fail(property, `${String(value)} is not allowed: must be an integer ${range}`);
    }
  }

  /** Records a problem unless `value` is a finite number within `[min, max]`. */
  number(property: string, value: number, min: number, max: number = Number.MAX_VALUE): void {
    if (!Number.isFinite(value) || value < min || value > max) {
      const range = max === Number.MAX_VALUE ? `at least ${min}` : `from ${min} to ${max}`;
      this.fail(property, `${String(value)} is not allowed: must be a number ${range}`);
    }
  }

  /** Throws a {@link ConstructPropsError} naming the construct path when any problem was recorded. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConstructPropsError(this.scope.node.path, this.problems);
  }
}

/** Kubernetes' limit on a DNS-1123 label (names of Services, namespaces, and label values). */
export const DNS_LABEL_MAX_LENGTH = 63;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Explains why `value` is not a DNS-1123 label of at most `maxLength` characters, or returns undefined. */
export function dnsLabelProblem(value: string, maxLength: number = DNS_LABEL_MAX_LENGTH): string | undefined {
  if (value.length > maxLength) {
    return `${JSON.stringify(value)} is ${value.length} characters long: must be at most ${maxLength}`;
  }
  if (!DNS_LABEL.test(value)) {
    return (
      `${JSON.stringify(value)} is not a DNS-1123 label: must be lower-case letters, digits and "-", ` +
      'starting and ending with a letter or digit'
    );
  }
  return undefined;
}

/** Escapes every regular-expression metacharacter (RE2 syntax, as Argo Events uses) in `text`. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

/** A regular expression that matches exactly `text` and nothing longer. */
export function exactRegExp(text: string): string {
  return `^${escapeRegExp(text)}$`;
}
