/**
 * The backlog driver's process (run with tsx, so it can import the product's TypeScript fake
 * Kubernetes API): fills the fake with finished workflows, starts the publisher against it and a
 * nats-server, and times the catch-up until every run is published and labelled.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { connect } from 'nats';
import { startNatsServer } from '../harness/nats-server.js';
import { freePort, httpStatus } from '../harness/net.js';
import { startProcess } from '../harness/process.js';
import { serveRequests } from '../harness/worker.js';
import { BENCH_SUBJECT, publisherEnv } from '../publisher/servers.js';
import type { BacklogJob, BacklogRun } from './protocol.js';
import { BACKLOG_NAMESPACE, finishedWorkflow } from './workflows.js';

const POLL_MS = 100;
const PUBLISHED_LABEL = 'pipelines.kubeflow.org/events-published';

/** The part of the product's fake Kubernetes API server this driver uses. */
interface FakeKube {
  readonly requests: readonly { readonly method: string; readonly path: string }[];
  kubeConfigYaml(): string;
  addWorkflow(workflow: Record<string, unknown>): unknown;
  listWorkflows(namespace: string): { metadata?: { labels?: Readonly<Record<string, string>> } }[];
  stop(): Promise<void>;
}

serveRequests<BacklogJob, BacklogRun>(runBacklog);

async function runBacklog(job: BacklogJob): Promise<BacklogRun> {
  const module = (await import(pathToFileURL(job.fakeKubeModule).href)) as {
    FakeKubeServer: { start(): Promise<FakeKube> };
  };
  const fake = await module.FakeKubeServer.start();
  const nats = await startNatsServer(false);
  const nc = await connect({ servers: nats.url, name: 'kfp-events-bench-backlog' });
  const dir = mkdtempSync(join(tmpdir(), 'kfp-events-bench-backlog-'));

  try {
    for (let i = 0; i < job.workflows; i++) fake.addWorkflow(finishedWorkflow(i));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeConfigYaml());

    let published = 0;
    let publishedMs: number | undefined;
    let started = 0;
    nc.subscribe(BENCH_SUBJECT, {
      callback: () => {
        published += 1;
        if (published === job.workflows) publishedMs = performance.now() - started;
      },
    });
    await nc.flush();

    const healthPort = await freePort();
    const env = publisherEnv({
      natsUrl: nats.url,
      delivery: 'core',
      httpPort: await freePort(),
      healthPort,
      workflowNamespaces: [BACKLOG_NAMESPACE],
      extra: { KUBECONFIG: kubeconfig },
    });
    started = performance.now();
    const publisher = startProcess('node', [job.cliJs, 'publish'], { cwd: job.cwd, env });

    try {
      let readyMs: number | undefined;
      let patchesSeen = 0;
      let labelled = 0;
      const deadline = started + job.timeoutMs;
      while (performance.now() < deadline && !publisher.exited) {
        await sleep(POLL_MS);
        if (readyMs === undefined && (await httpStatus(healthPort, '/readyz')) === 200) {
          readyMs = performance.now() - started;
        }
        // Counting label patches is cheap; the store is read (a full copy) only once they add up.
        patchesSeen = fake.requests.filter(
          (r) => r.method === 'PATCH' && r.path.includes('/workflows/'),
        ).length;
        if (published < job.workflows || patchesSeen < job.workflows) continue;
        labelled = countLabelled(fake);
        if (labelled >= job.workflows) {
          return {
            readyMs,
            publishedMs,
            doneMs: performance.now() - started,
            published,
            labelled,
            peakRssKb: publisher.peakRssKb(),
          };
        }
      }

      const why = publisher.exited ? 'the publisher exited' : `not done within ${job.timeoutMs} ms`;
      return {
        ...(readyMs === undefined ? {} : { readyMs }),
        published,
        labelled: countLabelled(fake),
        peakRssKb: publisher.peakRssKb(),
        failure: `${why} (${published} published, ${patchesSeen} label patches): ${publisher.stderrTail().trim() || 'no stderr'}`,
      };
    } finally {
      await publisher.stop();
    }
  } finally {
    await nc.close();
    await nats.dispose();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function countLabelled(fake: FakeKube): number {
  return fake.listWorkflows(BACKLOG_NAMESPACE).filter((w) => w.metadata?.labels?.[PUBLISHED_LABEL] === 'true')
    .length;
}
