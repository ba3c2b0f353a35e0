import { fork, type ChildProcess } from 'node:child_process';

/** A child process answering requests over IPC, one at a time. */
export interface Worker<Request, Reply> {
  readonly pid: number;
  request(message: Request): Promise<Reply>;
  /** Disconnects and waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A worker's answer: the reply, or the error it raised. */
export type WorkerAnswer<Reply> =
  { readonly ok: true; readonly reply: Reply } | { readonly ok: false; readonly error: string };

const DEFAULT_GRACE_MS = 3_000;

/** Options of {@link forkWorker}. */
export interface ForkOptions {
  /**
   * Node options of the worker, e.g. `['--import', 'tsx']` to let it import TypeScript.
   * @default []
   */
  readonly execArgv?: readonly string[];
  /**
   * The worker's working folder (where `--import` specifiers resolve).
   * @default - this process's
   */
  readonly cwd?: string;
}

/** Forks a compiled worker module that serves requests with {@link serveRequests}. */
export function forkWorker<Request, Reply>(file: string, options: ForkOptions = {}): Worker<Request, Reply> {
  const child: ChildProcess = fork(file, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...(options.execArgv ?? [])],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));

  return {
    pid: child.pid ?? -1,
    request: (message) =>
      new Promise<Reply>((resolve, reject) => {
        const onExit = (): void => reject(new Error(`worker ${file} exited while answering`));
        child.once('exit', onExit);
        child.once('message', (answer: WorkerAnswer<Reply>) => {
          child.off('exit', onExit);
          if (answer.ok) resolve(answer.reply);
          else reject(new Error(answer.error));
        });
        child.send(message as object);
      }),
    stop: async (graceMs = DEFAULT_GRACE_MS) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Serves requests from the parent: each message is handled in turn and answered with its reply or
 * error. The process exits when the parent disconnects, after `cleanup`.
 */
export function serveRequests<Request, Reply>(
  handle: (message: Request) => Promise<Reply>,
  cleanup: () => Promise<void> = () => Promise.resolve(),
): void {
  let queue = Promise.resolve();
  process.on('message', (message: Request) => {
    queue = queue.then(async () => {
      let answer: WorkerAnswer<Reply>;
      try {
        answer = { ok: true, reply: await handle(message) };
      } catch (err) {
        answer = { ok: false, error: (err as Error).stack ?? String(err) };
      }
      process.send?.(answer);
    });
  });
  process.once('disconnect', () => {
    void queue.then(cleanup).finally(() => process.exit(0));
  });
}
