import { setTimeout as sleep } from 'node:timers/promises';

/** One operation of a load run: sends event `seq` stamped `sentAt` and resolves once confirmed. */
export type LoadOperation = (seq: number, sentAt: number) => Promise<void>;

/** What a load run did. */
export interface LoadResult {
  /** Operations that resolved. */
  readonly completed: number;
  /** Operations that rejected. */
  readonly failed: number;
  /** The first rejection's message, if any. */
  readonly firstError?: string;
  /** Time from the first send to the last confirmation, in millis. */
  readonly elapsedMs: number;
  /** Confirmations per second. */
  readonly rate: number;
  /** Client-side latency (send to confirmation) of each completed operation, in millis. */
  readonly latenciesMs: readonly number[];
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  /** Clients, each sending its next operation as soon as the previous one is confirmed. */
  readonly concurrency: number;
  /** No operation starts after this many millis. */
  readonly durationMs: number;
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  /** Operations started per second, on schedule whether or not earlier ones are confirmed. */
  readonly rate: number;
  readonly durationMs: number;
  /** Operations still unconfirmed this long after the schedule ends count as failed. */
  readonly drainTimeoutMs: number;
}

/**
 * The wall clock in millis with sub-millisecond resolution, comparable between processes on one
 * machine (both derive it from the same system clock at their start).
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Runs a fixed-duration closed loop: `concurrency` clients, each one operation at a time. */
export async function closedLoop(options: ClosedLoopOptions, operation: LoadOperation): Promise<LoadResult> {
  const tally = new Tally();
  const started = performance.now();
  const stopAt = started + options.durationMs;
  let seq = 0;

  const client = async (): Promise<void> => {
    while (performance.now() < stopAt) await tally.track(operation, seq++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));

  return tally.result(performance.now() - started);
}

/**
 * Runs a paced open loop: operations start on a fixed schedule (`rate` per second), independent of
 * confirmations, so a slow server cannot slow the load down and hide its own latency. Each operation
 * is stamped with its scheduled time, not the (later) moment the event loop got to it.
 */
export async function openLoop(options: OpenLoopOptions, operation: LoadOperation): Promise<LoadResult> {
  const tally = new Tally();
  const intervalMs = 1_000 / options.rate;
  const total = Math.round((options.durationMs / 1_000) * options.rate);
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();

  for (let seq = 0; seq < total;) {
    const now = performance.now();
    while (seq < total && started + seq * intervalMs <= now) {
      const scheduled = performance.timeOrigin + started + seq * intervalMs;
      const op = tally.track(operation, seq++, scheduled);
      inFlight.add(op);
      void op.finally(() => inFlight.delete(op));
    }
    await sleep(1);
  }
  await Promise.race([Promise.all(inFlight), sleep(options.drainTimeoutMs)]);

  return tally.result(performance.now() - started, inFlight.size);
}

class Tally {
  private completed = 0;
  private failed = 0;
  private firstError: string | undefined;
  private readonly latenciesMs: number[] = [];

  async track(operation: LoadOperation, seq: number, sentAt: number = wallClockMs()): Promise<void> {
    try {
      await operation(seq, sentAt);
      this.completed += 1;
      this.latenciesMs.push(wallClockMs() - sentAt);
    } catch (err) {
      this.failed += 1;
      this.firstError ??= (err as Error).message;
    }
  }

  result(elapsedMs: number, unconfirmed = 0): LoadResult {
    return {
      completed: this.completed,
      failed: this.failed + unconfirmed,
      ...(this.firstError === undefined ? {} : { firstError: this.firstError }),
      elapsedMs,
      rate: (this.completed / elapsedMs) * 1_000,
      latenciesMs: this.latenciesMs,
    };
  }
}
