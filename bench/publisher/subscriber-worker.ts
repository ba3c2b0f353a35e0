/**
 * The NATS subscriber's process: receives every event on the subject and measures, per run, the time
 * from the stamp the load generator put in `data` to arrival here.
 */
import { connect, type NatsConnection } from 'nats';
import { percentile } from '../harness/stats.js';
import { serveRequests } from '../harness/worker.js';
import { readStamp } from './bench-event.js';
import { wallClockMs } from './load-generator.js';
import type { DeliverySummary, SubscriberJob } from './protocol.js';

const COLLECT_POLL_MS = 20;
const latencies = new Map<string, number[]>();
let nc: NatsConnection | undefined;

serveRequests<SubscriberJob, DeliverySummary | undefined>(
  async (job) => {
    if (job.kind === 'start') {
      await start(job.url, job.subject);
      return undefined;
    }
    return collect(job.runTag, job.expected, job.timeoutMs);
  },
  async () => {
    await nc?.close();
  },
);

async function start(url: string, subject: string): Promise<void> {
  nc = await connect({ servers: url, name: 'kfp-events-bench-subscriber' });
  nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      const arrived = wallClockMs();
      const stamp = readStamp(msg.json());
      if (!stamp) return;
      let list = latencies.get(stamp.benchRun);
      if (!list) latencies.set(stamp.benchRun, (list = []));
      list.push(arrived - stamp.benchSentAt);
    },
  });
  // The subscription is in place on the server once a round trip has completed.
  await nc.flush();
}

async function collect(runTag: string, expected: number, timeoutMs: number): Promise<DeliverySummary> {
  const deadline = Date.now() + timeoutMs;
  while ((latencies.get(runTag)?.length ?? 0) < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, COLLECT_POLL_MS));
  }
  const list = latencies.get(runTag) ?? [];
  latencies.delete(runTag);
  const empty = list.length === 0;
  return {
    received: list.length,
    p50Ms: empty ? Number.NaN : percentile(list, 50),
    p99Ms: empty ? Number.NaN : percentile(list, 99),
  };
}
