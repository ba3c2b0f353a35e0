/** Exponential backoff between attempts. */
export interface Backoff {
  /** Millis before the second attempt. */
  readonly initialMs: number;
  /** Multiplier per attempt. */
  readonly factor: number;
  /** Upper bound of one wait, in millis. */
  readonly maxMs: number;
}

/** The wait before attempt `attempt + 1`, where `attempt` counts from 1. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, attempt - 1));
}

/** Waits `ms` millis, or less when `signal` aborts first (then resolves too). */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
