import { percentile } from '../harness/stats.js';
import type { LoadResult } from './load-generator.js';

/** A load job for the client worker. */
export type ClientJob =
  | {
      /** Closed loop of `POST /events` to 127.0.0.1:`port`. */
      readonly kind: 'http';
      readonly port: number;
      readonly runTag: string;
      readonly concurrency: number;
      readonly durationMs: number;
    }
  | {
      /** Paced open loop of `POST /events`, `rate` per second. */
      readonly kind: 'http-paced';
      readonly port: number;
      readonly runTag: string;
      readonly rate: number;
      readonly durationMs: number;
    }
  | {
      /** Closed loop of raw NATS publishes with the publisher's confirmation. */
      readonly kind: 'nats';
      readonly url: string;
      readonly jetstream: boolean;
      readonly subject: string;
      readonly stream: string;
      readonly runTag: string;
      readonly concurrency: number;
      readonly durationMs: number;
    };

/** A load result without the raw latencies, as sent back over IPC. */
export interface LoadSummary {
  readonly completed: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A job for the subscriber worker. */
export type SubscriberJob =
  | { readonly kind: 'start'; readonly url: string; readonly subject: string }
  | {
      /** Waits until `expected` events of the run arrived (or `timeoutMs` passed), then forgets the run. */
      readonly kind: 'collect';
      readonly runTag: string;
      readonly expected: number;
      readonly timeoutMs: number;
    };

/** Delivery latency of one run: POST (or publish) to arrival at the subscriber. */
export interface DeliverySummary {
  readonly received: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Reduces a load result to what the parent reports. */
export function summarize(result: LoadResult): LoadSummary {
  const empty = result.latenciesMs.length === 0;
  return {
    completed: result.completed,
    failed: result.failed,
    ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
    rate: result.rate,
    p50Ms: empty ? Number.NaN : percentile(result.latenciesMs, 50),
    p99Ms: empty ? Number.NaN : percentile(result.latenciesMs, 99),
  };
}
