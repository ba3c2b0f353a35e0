import type { RunCompletionEvent } from '../../../src/contract/index.js';
import { abortableDelay } from '../../../src/publisher/workflows/backoff.js';
import type { RunCompletionSink } from '../../../src/publisher/workflows/queue.js';

/**
 * A test double of the sink interface (not of NATS): records what it is given, and can be told to
 * refuse publishes for a while, as a disconnected bus does.
 */
export class RecordingSink implements RunCompletionSink {
  public readonly events: RunCompletionEvent[] = [];
  public failures = 0;
  public attempts = 0;

  public publish(event: RunCompletionEvent): Promise<void> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('bus unavailable (test)'));
    }
    this.events.push(event);
    return Promise.resolve();
  }

  /** The `runName` of every recorded event, sorted. */
  public runNames(): string[] {
    return this.events.map((e) => e.data.runName ?? '').sort();
  }
}

/** A delay that records what it was asked to wait and waits one milli instead. */
export function recordingDelay(): {
  waits: number[];
  delay: (ms: number, signal: AbortSignal) => Promise<void>;
} {
  const waits: number[] = [];
  return {
    waits,
    delay: (ms, signal) => {
      waits.push(ms);
      return abortableDelay(1, signal);
    },
  };
}

/** Polls `condition` every 5 ms until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Names 0..n-1 as the generated fixtures name them. */
export function generatedNames(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `penguin-pipeline-${String(from + i).padStart(5, '0')}`);
}
