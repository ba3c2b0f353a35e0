import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** GNU time: reports the exact peak RSS of the largest process in the tree it waited for. */
const GNU_TIME = '/usr/bin/time';
const RSS_POLL_INTERVAL_MS = 10;
const STDERR_TAIL_CHARS = 2_000;
const DEFAULT_GRACE_MS = 5_000;

/** What one measured run of a command gave. */
export interface MeasuredRun {
  /** Wall time from spawn to exit, in millis. */
  readonly wallMs: number;
  /** Peak resident set of the largest single process in the command's tree, in KiB. */
  readonly peakRssKb: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last characters the command wrote to stderr. */
  readonly stderrTail: string;
}

/** Options of {@link runMeasured}. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The run is killed (with its process group) after this many millis. */
  readonly timeoutMs: number;
}

/** The error thrown when a measured command fails; carries its stderr. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
}

/** Every process the bench started and has not yet seen exit; killed if the bench itself exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/** How peak RSS is taken on this machine, for the results header. */
export function rssMethod(): string {
  return hasGnuTime()
    ? `${GNU_TIME} (exact peak of the largest process in the tree)`
    : `polling VmHWM in /proc/<pid>/status every ${RSS_POLL_INTERVAL_MS} ms over the process tree`;
}

/**
 * Runs a command to completion and measures its wall time and peak RSS. Throws
 * {@link CommandFailedError} when it exits non-zero or times out.
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<MeasuredRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'kfp-events-bench-time-'));
  const timeFile = join(scratch, 'time.txt');
  const useTime = hasGnuTime();

  try {
    const [file, argv] = useTime
      ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]]
      : [command, [...args]];
    const started = performance.now();
    const child = track(spawn(file, argv, { cwd: options.cwd, env: options.env, ...PIPED_STDERR }));
    const stderr = tailOf(child);
    const poller = useTime ? undefined : pollTreeRss(child);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs);
    const [exitCode, signal] = await exited(child);
    const wallMs = performance.now() - started;
    clearTimeout(timer);

    const peakRssKb = useTime ? readGnuTimeRss(timeFile) : await poller!.stop();
    const run: MeasuredRun = { wallMs, peakRssKb, exitCode, signal, stderrTail: stderr() };
    if (exitCode !== 0) {
      const how = signal
        ? `was killed by ${signal} (timeout ${options.timeoutMs} ms?)`
        : `exited ${exitCode}`;
      throw new CommandFailedError(`${command} ${args.join(' ')} ${how}:\n${run.stderrTail}`);
    }
    return run;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A long-running process started by {@link startProcess}. */
export interface RunningProcess {
  readonly pid: number;
  /** True once it has exited. */
  readonly exited: boolean;
  /** The last characters it wrote to stderr. */
  stderrTail(): string;
  /** Its peak RSS so far (VmHWM), in KiB; undefined once it has exited. */
  peakRssKb(): number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running process (a server under test) with stdout discarded and stderr kept. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): RunningProcess {
  const child = track(spawn(command, args, { cwd: options.cwd, env: options.env, ...PIPED_STDERR }));
  const stderr = tailOf(child);
  let done = false;
  const exit = exited(child).then(() => {
    done = true;
  });

  return {
    pid: child.pid ?? -1,
    get exited() {
      return done;
    },
    stderrTail: stderr,
    peakRssKb: () => (done || child.pid === undefined ? undefined : readVmHwm(child.pid)),
    stop: async (graceMs = DEFAULT_GRACE_MS) => {
      if (done) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** VmHWM (peak RSS) of a live process, in KiB; undefined when it is gone. */
export function readVmHwm(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

// Each child leads its own process group so that a timeout or stop reaches its children too.
const PIPED_STDERR: SpawnOptions = { stdio: ['ignore', 'ignore', 'pipe'], detached: true };

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve([child.exitCode, child.signalCode]);
      return;
    }
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function tailOf(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  return () => tail;
}

function hasGnuTime(): boolean {
  try {
    accessSync(GNU_TIME, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readGnuTimeRss(file: string): number {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const kb = Number(lines[lines.length - 1]);
  if (!Number.isFinite(kb))
    throw new Error(`cannot read the peak RSS from ${GNU_TIME}: ${lines.join(' / ')}`);
  return kb;
}

/** Polls VmHWM of every process in the tree below `child`; `stop` returns the largest seen. */
function pollTreeRss(child: ChildProcess): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const pid of tree(child.pid)) peak = Math.max(peak, readVmHwm(pid) ?? 0);
      await sleep(RSS_POLL_INTERVAL_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

function tree(root: number | undefined): number[] {
  if (root === undefined) return [];
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    const taskDir = `/proc/${pids[i]}/task`;
    if (!existsSync(taskDir)) continue;
    try {
      for (const task of readdirSync(taskDir)) {
        const children = readFileSync(`${taskDir}/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process exited between the listing and the read.
    }
  }
  return pids;
}
