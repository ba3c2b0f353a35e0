import { LOG_LEVELS, type LogLevel } from '../contract/publisher-env.js';

/** Structured fields of one log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * A structured logger: one JSON object per line with `time`, `level`, `msg` and the given fields.
 * Only the runtime's edges log; inner code returns values or throws.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Lines below this level are dropped.
   * @default 'info'
   */
  readonly level?: LogLevel;
  /**
   * Where lines go.
   * @default - process.stdout
   */
  readonly write?: (line: string) => void;
  /**
   * The clock, for tests.
   * @default - Date.now
   */
  readonly now?: () => number;
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? Date.now;

  const make = (bound: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const line = { time: new Date(now()).toISOString(), level, msg, ...bound, ...fields };
      write(`${JSON.stringify(line, errorReplacer)}\n`);
    };
    return {
      debug: (msg, fields) => emit('debug', msg, fields),
      info: (msg, fields) => emit('info', msg, fields),
      warn: (msg, fields) => emit('warn', msg, fields),
      error: (msg, fields) => emit('error', msg, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

/** A logger that drops everything (for library use and tests that do not read logs). */
export const silentLogger: Logger = createLogger({ write: () => undefined });

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      ...(value.cause instanceof Error ? { cause: value.cause.message } : {}),
    };
  }
  return value;
}
