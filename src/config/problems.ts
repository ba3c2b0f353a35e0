/** One thing wrong with a config file. */
export interface ConfigProblem {
  /** The config file as given (e.g. `kfp-events.yaml`). */
  readonly file: string;
  /** 1-based line of the offending node, where known. */
  readonly line?: number;
  /** 1-based column of the offending node, where known. */
  readonly column?: number;
  /** The field path, e.g. `consumers[0].pipelines[2].triggers[0].kind`; empty for the whole document. */
  readonly path: string;
  /** What is wrong, naming the bad value and what is allowed. */
  readonly message: string;
}

/** The error thrown when a config file cannot be used; `problems` lists every problem found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** Every problem found, in document order. */
    readonly problems: readonly ConfigProblem[],
    options?: ErrorOptions,
  ) {
    super(formatProblems(problems), options);
  }
}

/** Renders problems as the message of a {@link ConfigError}: a heading, then one line per problem. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  const files = [...new Set(problems.map((p) => p.file))].join(', ');
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`${files}: ${count}`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n');
}

/** Renders one problem: `file:line:column: path: message`. */
export function formatProblem(problem: ConfigProblem): string {
  const where =
    problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
  return `${where}: ${problem.path === '' ? '(document)' : problem.path}: ${problem.message}`;
}

/** A field path as a list of keys and indexes, e.g. `['consumers', 0, 'namespace']`. */
export type FieldPath = readonly (string | number)[];

/** A problem at a field path, before it is placed in a file. */
export interface FieldProblem {
  readonly path: FieldPath;
  /** Point at the key rather than the value (for unknown fields). */
  readonly key?: boolean;
  readonly message: string;
}

/** Renders a field path: `consumers[0].pipelines[2].triggers[0].kind`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

/** Renders a value for a message: JSON, cut short when long. */
export function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

const MAX_VALUE_LENGTH = 80;
