/** What the tool commands share: output streams, exit codes, argument parsing and reading input. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { WIRE_ENCODINGS, type WireEncoding } from '../../contract/index.js';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** The process's own streams. */
export const PROCESS_IO: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** Exit codes of the tool commands. */
export const EXIT = {
  /** Done; for `check`, no problems. */
  OK: 0,
  /** `check` found problems. */
  PROBLEMS: 1,
  /** Bad arguments or unreadable input. */
  USAGE: 2,
} as const;

/** The directory of synthesized manifests read when `--dist` is not given. */
export const DEFAULT_DIST_DIR = 'dist';

/** Thrown for bad command-line arguments. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `argv` with `node:util`'s strict parser, turning its errors into {@link UsageError}s. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>['values'] {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
}

/** Validates an `--encoding` value. */
export function parseEncoding(value: string | undefined): WireEncoding | undefined {
  if (value === undefined) return undefined;
  if (!(WIRE_ENCODINGS as readonly string[]).includes(value)) {
    throw new UsageError(`--encoding ${JSON.stringify(value)} is not one of ${WIRE_ENCODINGS.join(', ')}`);
  }
  return value as WireEncoding;
}

/** Validates a choice among allowed values. */
export function parseChoice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Runs a command body, writing any error to stderr with its exit code (usage → 2, other → 2). */
export async function runCommand(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const error = err as Error;
    io.stderr.write(`${error.name}: ${error.message}\n`);
    if (err instanceof UsageError) io.stderr.write(`${usage}\n`);
    return EXIT.USAGE;
  }
}
