import { join } from 'node:path';
import type { BuiltProduct } from '../harness/build.js';
import { formatKb, formatMs, formatPercent, formatRate } from '../harness/format.js';
import { startNatsServer } from '../harness/nats-server.js';
import type { BenchProfile } from '../harness/profile.js';
import { judge, type Section, type TargetResult } from '../harness/report.js';
import { median } from '../harness/stats.js';
import { forkWorker } from '../harness/worker.js';
import type { ClientJob, DeliverySummary, LoadSummary, SubscriberJob } from './protocol.js';
import {
  BENCH_STREAM,
  BENCH_SUBJECT,
  startHttpFloor,
  startPublisher,
  type Delivery,
  type HttpServerUnderTest,
} from './servers.js';

const CLIENT_WORKER = join(import.meta.dirname, 'client-worker.js');
const SUBSCRIBER_WORKER = join(import.meta.dirname, 'subscriber-worker.js');
const MODES: readonly Delivery[] = ['core', 'jetstream'];
const WARMUP_CONCURRENCY = 8;
const DELIVERY_WAIT_MS = 3_000;
const TARGET_SHARE_OF_CEILING = 0.7;
const TARGET_PACED_P99_MS = 20;
const TARGET_RSS_KB = 150 * 1024;

/** The three things put under the same load. */
type Server = 'publisher' | 'httpFloor' | 'natsFloor';

/** One timed run against one server. */
interface RunFigures {
  readonly load: LoadSummary;
  readonly delivery?: DeliverySummary;
}

/** Medians of one mode and concurrency. */
interface ClosedLoopRow {
  readonly mode: Delivery;
  readonly concurrency: number;
  readonly rate: Partial<Record<Server, number>>;
  readonly deliveryP50: Partial<Record<Server, number>>;
  readonly deliveryP99: Partial<Record<Server, number>>;
  readonly failed: number;
  readonly undelivered: number;
}

/** What one mode gave. */
interface ModeResult {
  readonly mode: Delivery;
  readonly rows: readonly ClosedLoopRow[];
  readonly paced?: {
    readonly rate: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly failed: number;
  };
  readonly publisherRssKb?: number;
  readonly unavailable?: string;
  readonly problems: readonly string[];
}

/** Runs the publisher throughput and latency bench in core and JetStream modes. */
export async function publisherBench(product: BuiltProduct, profile: BenchProfile): Promise<Section> {
  const results: ModeResult[] = [];
  for (const mode of MODES) {
    try {
      results.push(await benchMode(mode, product, profile));
    } catch (err) {
      const reason = `${mode} mode: ${(err as Error).message}`;
      results.push({ mode, rows: [], unavailable: reason, problems: [] });
    }
  }

  const notMeasured = [...new Set(results.flatMap((r) => (r.unavailable ? [r.unavailable] : [])))];
  return {
    title: 'Publisher throughput and latency',
    method: [
      'One nats-server per mode on a free 127.0.0.1 port (JetStream with `-js`); the load generator and the NATS subscriber are separate processes from every server under test.',
      `Closed loop: 1…N clients over keep-alive node:http agents, ${profile.closedLoopMs} ms per run after a ${profile.warmupMs} ms warm-up; every figure is the median of ${profile.publisherRuns} runs, the three servers interleaved.`,
      'Floors under the same load generator: a bare Node HTTP server that parses the body and answers 202 (no publish), and a raw `nats` client publishing the same structured payload with the same confirmation (core: publish + flush; JetStream: PubAck, `Nats-Msg-Id` = event id). Ceiling = the lower of the two; the serial bound, 1 / (1/HTTP floor + 1/NATS floor), is what doing both one after the other allows, shown for context.',
      'Delivery latency: from the send time stamped in `data.benchSentAt` to arrival at a core NATS subscriber. The publisher logs one JSON line per event at its default level (stdout discarded).',
      `Paced: an open loop at ${profile.pacedRate} events/s for ${profile.pacedMs} ms, latency from the scheduled send time (no coordinated omission).`,
    ],
    tables: [
      {
        header: [
          'mode',
          'clients',
          'publisher',
          'HTTP floor',
          'NATS floor',
          'publisher / ceiling',
          'publisher / serial bound',
          'delivery p50 / p99 publisher',
          'delivery p50 / p99 NATS floor',
          'failed / undelivered',
        ],
        rows: results.flatMap((r) => r.rows.map(closedLoopRow)),
      },
      {
        header: ['mode', 'paced rate', 'delivery p50', 'delivery p99', 'failed', 'publisher peak RSS'],
        rows: results.map((r) => [
          r.mode,
          r.paced ? formatRate(r.paced.rate) : 'n/m',
          r.paced ? formatMs(r.paced.p50Ms) : 'n/m',
          r.paced ? formatMs(r.paced.p99Ms) : 'n/m',
          r.paced ? String(r.paced.failed) : 'n/m',
          r.publisherRssKb === undefined ? 'n/m' : formatKb(r.publisherRssKb),
        ]),
      },
    ],
    targets: results.flatMap((r) => targets(r, profile)),
    notMeasured: [...notMeasured, ...results.flatMap((r) => r.problems)],
  };
}

async function benchMode(mode: Delivery, product: BuiltProduct, profile: BenchProfile): Promise<ModeResult> {
  const nats = await startNatsServer(mode === 'jetstream');
  const subscriber = forkWorker<SubscriberJob, DeliverySummary | undefined>(SUBSCRIBER_WORKER);
  const client = forkWorker<ClientJob, LoadSummary>(CLIENT_WORKER);
  const started: HttpServerUnderTest[] = [];
  const problems: string[] = [];

  try {
    await subscriber.request({ kind: 'start', url: nats.url, subject: BENCH_SUBJECT });
    const publisher = await startPublisher(product, nats.url, mode);
    const publisherServer = 'unavailable' in publisher ? undefined : publisher;
    if (publisherServer) started.push(publisherServer);
    const httpFloor = await startHttpFloor();
    started.push(httpFloor);

    const servers: Server[] = publisherServer
      ? ['publisher', 'httpFloor', 'natsFloor']
      : ['httpFloor', 'natsFloor'];
    const job = (server: Server, runTag: string, concurrency: number, durationMs: number): ClientJob =>
      server === 'natsFloor'
        ? {
            kind: 'nats',
            url: nats.url,
            jetstream: mode === 'jetstream',
            subject: BENCH_SUBJECT,
            stream: BENCH_STREAM,
            runTag,
            concurrency,
            durationMs,
          }
        : {
            kind: 'http',
            port: (server === 'publisher' ? publisherServer! : httpFloor).port,
            runTag,
            concurrency,
            durationMs,
          };
    const run = async (
      server: Server,
      runTag: string,
      concurrency: number,
      durationMs: number,
    ): Promise<RunFigures> => {
      const load = await client.request(job(server, runTag, concurrency, durationMs));
      if (server === 'httpFloor') return { load };
      const delivery = await subscriber.request({
        kind: 'collect',
        runTag,
        expected: load.completed,
        timeoutMs: DELIVERY_WAIT_MS,
      });
      return { load, ...(delivery ? { delivery } : {}) };
    };

    for (const server of servers)
      await run(server, `${mode}-${server}-warmup`, WARMUP_CONCURRENCY, profile.warmupMs);

    const figures = new Map<string, RunFigures[]>();
    for (let rep = 0; rep < profile.publisherRuns; rep++) {
      for (const concurrency of profile.concurrencies) {
        for (const server of servers) {
          const key = `${concurrency}/${server}`;
          const result = await run(
            server,
            `${mode}-${server}-c${concurrency}-r${rep}`,
            concurrency,
            profile.closedLoopMs,
          );
          figures.set(key, [...(figures.get(key) ?? []), result]);
          if (result.load.firstError)
            problems.push(`${mode}, ${concurrency} clients, ${server}: ${result.load.firstError}`);
        }
      }
    }

    const paced: RunFigures[] = [];
    for (let rep = 0; publisherServer && rep < profile.publisherRuns; rep++) {
      const runTag = `${mode}-paced-r${rep}`;
      const load = await client.request({
        kind: 'http-paced',
        port: publisherServer.port,
        runTag,
        rate: profile.pacedRate,
        durationMs: profile.pacedMs,
      });
      const delivery = await subscriber.request({
        kind: 'collect',
        runTag,
        expected: load.completed,
        timeoutMs: DELIVERY_WAIT_MS,
      });
      paced.push({ load, ...(delivery ? { delivery } : {}) });
    }

    const publisherRssKb = publisherServer?.process.peakRssKb();
    return {
      mode,
      rows: profile.concurrencies.map((concurrency) =>
        closedLoopMedians(mode, concurrency, servers, figures),
      ),
      ...(paced.length > 0 ? { paced: pacedMedians(paced) } : {}),
      ...(publisherRssKb === undefined ? {} : { publisherRssKb }),
      ...('unavailable' in publisher ? { unavailable: publisher.unavailable } : {}),
      problems: [...new Set(problems)].slice(0, 5),
    };
  } finally {
    for (const server of started) await server.process.stop();
    await client.stop();
    await subscriber.stop();
    await nats.dispose();
  }
}

function closedLoopMedians(
  mode: Delivery,
  concurrency: number,
  servers: readonly Server[],
  figures: Map<string, RunFigures[]>,
): ClosedLoopRow {
  const rate: Partial<Record<Server, number>> = {};
  const deliveryP50: Partial<Record<Server, number>> = {};
  const deliveryP99: Partial<Record<Server, number>> = {};
  let failed = 0;
  let undelivered = 0;
  for (const server of servers) {
    const runs = figures.get(`${concurrency}/${server}`) ?? [];
    rate[server] = median(runs.map((r) => r.load.rate));
    failed += runs.reduce((sum, r) => sum + r.load.failed, 0);
    const delivered = runs.flatMap((r) => (r.delivery ? [r.delivery] : []));
    undelivered += runs.reduce(
      (sum, r) => sum + (r.delivery ? Math.max(0, r.load.completed - r.delivery.received) : 0),
      0,
    );
    if (delivered.length > 0) {
      deliveryP50[server] = median(delivered.map((d) => d.p50Ms));
      deliveryP99[server] = median(delivered.map((d) => d.p99Ms));
    }
  }
  return { mode, concurrency, rate, deliveryP50, deliveryP99, failed, undelivered };
}

function pacedMedians(runs: readonly RunFigures[]): NonNullable<ModeResult['paced']> {
  const delivered = runs.flatMap((r) => (r.delivery ? [r.delivery] : []));
  return {
    rate: median(runs.map((r) => r.load.rate)),
    p50Ms: delivered.length > 0 ? median(delivered.map((d) => d.p50Ms)) : Number.NaN,
    p99Ms: delivered.length > 0 ? median(delivered.map((d) => d.p99Ms)) : Number.NaN,
    failed: runs.reduce((sum, r) => sum + r.load.failed, 0),
  };
}

function ceiling(row: ClosedLoopRow): number | undefined {
  const { httpFloor, natsFloor } = row.rate;
  return httpFloor === undefined || natsFloor === undefined ? undefined : Math.min(httpFloor, natsFloor);
}

/**
 * What a server doing both floors' work one after the other could reach: 1 / (1/http + 1/nats). Shown
 * beside the ceiling because on a machine with few cores both floors' costs add up in the publisher.
 */
function serialBound(row: ClosedLoopRow): number | undefined {
  const { httpFloor, natsFloor } = row.rate;
  return httpFloor === undefined || natsFloor === undefined ? undefined : 1 / (1 / httpFloor + 1 / natsFloor);
}

function shareOfCeiling(row: ClosedLoopRow): number | undefined {
  const top = ceiling(row);
  return row.rate.publisher === undefined || top === undefined ? undefined : row.rate.publisher / top;
}

function closedLoopRow(row: ClosedLoopRow): string[] {
  const rate = (value: number | undefined): string => (value === undefined ? 'n/m' : formatRate(value));
  const latency = (server: Server): string =>
    row.deliveryP50[server] === undefined
      ? 'n/m'
      : `${formatMs(row.deliveryP50[server])} / ${formatMs(row.deliveryP99[server]!)}`;
  const share = shareOfCeiling(row);
  const serial = serialBound(row);
  return [
    row.mode,
    String(row.concurrency),
    rate(row.rate.publisher),
    rate(row.rate.httpFloor),
    rate(row.rate.natsFloor),
    share === undefined ? 'n/m' : formatPercent(share),
    serial === undefined || row.rate.publisher === undefined
      ? 'n/m'
      : formatPercent(row.rate.publisher / serial),
    latency('publisher'),
    latency('natsFloor'),
    `${row.failed} / ${row.undelivered}`,
  ];
}

function targets(result: ModeResult, profile: BenchProfile): TargetResult[] {
  const missing = result.unavailable ?? 'the publisher did not run';
  const list = result.rows.map((row) =>
    judge(
      `${result.mode}, clients ${row.concurrency}: publisher ≥ ${formatPercent(TARGET_SHARE_OF_CEILING)} of the ceiling`,
      shareOfCeiling(row),
      (share) => share >= TARGET_SHARE_OF_CEILING,
      (share) =>
        `${formatPercent(share)} (${formatRate(row.rate.publisher!)} of ${formatRate(ceiling(row)!)})`,
      missing,
    ),
  );
  list.push(
    judge(
      `${result.mode}: delivery p99 under ${TARGET_PACED_P99_MS} ms at ${profile.pacedRate} events/s`,
      result.paced?.p99Ms,
      (ms) => ms < TARGET_PACED_P99_MS && result.paced!.failed === 0,
      (ms) => `${formatMs(ms)} (p50 ${formatMs(result.paced!.p50Ms)}, ${result.paced!.failed} failed)`,
      missing,
    ),
    judge(
      `${result.mode}: publisher peak RSS under ${formatKb(TARGET_RSS_KB)}`,
      result.publisherRssKb,
      (kb) => kb < TARGET_RSS_KB,
      formatKb,
      missing,
    ),
  );
  return list;
}
