import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { SourceLocator } from './locate.js';
import { ConfigError, formatPath, type ConfigProblem, type FieldProblem } from './problems.js';
import { validateConfigSchema } from './schema.js';
import { checkSemantics } from './semantic.js';
import type { KfpEventsConfig } from './types.js';

/**
 * Parses and validates the text of a config file. Throws a {@link ConfigError} listing every problem:
 * YAML syntax, then schema violations and semantic errors, each with its line and column.
 *
 * @param text the YAML text
 * @param file how to name the file in messages, e.g. `kfp-events.yaml`
 */
export function parseConfig(text: string, file: string): KfpEventsConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });

  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { file, line, column: col, path: '', message: `YAML syntax: ${firstLine(error.message)}` };
      }),
    );
  }

  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const locator = new SourceLocator(doc, lines);
  const found = findProblems(value);

  if (found.length > 0) {
    const problems = found.map((problem): ConfigProblem => {
      const position = locator.locate(problem.path, { key: problem.key ?? false });
      return { file, ...(position ?? {}), path: formatPath(problem.path), message: problem.message };
    });
    throw new ConfigError(sortByPosition(problems));
  }
  return value as KfpEventsConfig;
}

/**
 * Validates a config given as an object (e.g. built in code rather than read from YAML) with the same
 * checks as {@link parseConfig}; the problems carry no line numbers.
 *
 * @param value the config
 * @param name how to name it in messages
 */
export function validateConfig(value: unknown, name = 'config'): KfpEventsConfig {
  const found = findProblems(value);

  if (found.length > 0) {
    throw new ConfigError(
      found.map((problem) => ({ file: name, path: formatPath(problem.path), message: problem.message })),
    );
  }
  return value as KfpEventsConfig;
}

/**
 * Reads and validates a config file; see {@link parseConfig}. A file that cannot be read is reported
 * as a {@link ConfigError} too.
 *
 * @param path the file to read
 * @param displayName how to name it in messages (defaults to `path` as given)
 */
export function loadConfigFile(path: string, displayName: string = path): KfpEventsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (err as Error).message;
    throw new ConfigError([{ file: displayName, path: '', message: `cannot be read: ${reason}` }], {
      cause: err,
    });
  }
  return parseConfig(text, displayName);
}

function findProblems(value: unknown): FieldProblem[] {
  if (value === null || value === undefined)
    return [{ path: [], message: 'is empty; a config needs at least "platform"' }];
  return [...validateConfigSchema(value), ...checkSemantics(value)];
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort(
      (a, b) =>
        (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
        (a.problem.column ?? 0) - (b.problem.column ?? 0) ||
        a.order - b.order,
    )
    .map(({ problem }) => problem);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
