import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltProduct } from '../harness/build.js';
import { formatCount, formatKb, formatMs } from '../harness/format.js';
import { BENCH_REPO_ROOT, describeTree, firstMissing } from '../harness/product.js';
import type { BenchProfile } from '../harness/profile.js';
import { judge, type Section } from '../harness/report.js';
import { median } from '../harness/stats.js';
import { forkWorker } from '../harness/worker.js';
import type { BacklogJob, BacklogRun } from './protocol.js';

const DRIVER = join(import.meta.dirname, 'backlog-driver.js');
const FAKE_KUBE = 'test/support/fake-kube.ts';
const RUN_TIMEOUT_MS = 150_000;
const TARGET_WORKFLOWS = 10_000;
const TARGET_DONE_MS = 60_000;
const TARGET_RSS_KB = 200 * 1024;

/** Runs the backlog catch-up bench: finished workflows in the fake Kubernetes API, one publisher. */
export async function backlogBench(product: BuiltProduct, profile: BenchProfile): Promise<Section> {
  const cliJs = join(product.libDir, 'src', 'cli.js');
  const missing =
    product.error ??
    (firstMissing(product.tree, FAKE_KUBE) &&
      `the fake Kubernetes API (${FAKE_KUBE}) is missing in ${describeTree(product.tree)}`) ??
    (existsSync(cliJs)
      ? undefined
      : `the publisher runtime is missing (no src/cli.ts in ${describeTree(product.tree)})`);

  const runs: BacklogRun[] = [];
  const crashes: string[] = [];
  if (!missing) {
    const driver = forkWorker<BacklogJob, BacklogRun>(DRIVER, {
      execArgv: ['--import', 'tsx'],
      cwd: BENCH_REPO_ROOT,
    });
    try {
      for (let i = 0; i < profile.backlogRuns; i++) {
        runs.push(
          await driver.request({
            fakeKubeModule: join(product.tree.root, FAKE_KUBE),
            cliJs,
            cwd: product.tree.root,
            workflows: profile.backlogWorkflows,
            timeoutMs: RUN_TIMEOUT_MS,
          }),
        );
      }
    } catch (err) {
      crashes.push(`the backlog driver failed: ${(err as Error).message}`);
    } finally {
      await driver.stop();
    }
  }

  const finished = runs.filter((r) => r.failure === undefined);
  const failures = [...crashes, ...runs.flatMap((r) => (r.failure ? [`backlog run: ${r.failure}`] : []))];
  const mid = (pick: (run: BacklogRun) => number | undefined): number | undefined => {
    const values = finished.flatMap((r) => (pick(r) === undefined ? [] : [pick(r)!]));
    return values.length === 0 ? undefined : median(values);
  };
  const doneMs = failures.length > 0 || finished.length === 0 ? undefined : mid((r) => r.doneMs);
  const rssKb = mid((r) => r.peakRssKb);
  const atTargetSize = profile.backlogWorkflows === TARGET_WORKFLOWS;
  const skipped = `the ${profile.name} profile runs ${formatCount(profile.backlogWorkflows)} workflows, the target is for ${formatCount(TARGET_WORKFLOWS)}`;
  const notMeasured = missing ? [missing] : failures;
  const ms = (value: number | undefined): string => (value === undefined ? 'n/m' : formatMs(value));

  return {
    title: 'Backlog catch-up',
    method: [
      `${formatCount(profile.backlogWorkflows)} finished, unlabelled KFP v1 workflows (about 8 KB each, every tenth failed) in the product's fake Kubernetes API (${FAKE_KUBE}), one core nats-server, one publisher watching their namespace; times from the publisher's spawn.`,
      `"done" is when every workflow carries the published label in the fake's store and every event reached a NATS subscriber. Every figure is the median of ${profile.backlogRuns} runs.`,
    ],
    tables: [
      {
        header: [
          'workflows',
          'ready',
          'all published',
          'all published and labelled',
          'publisher peak RSS',
          'runs finished',
        ],
        rows: [
          [
            formatCount(profile.backlogWorkflows),
            ms(mid((r) => r.readyMs)),
            ms(mid((r) => r.publishedMs)),
            ms(doneMs),
            rssKb === undefined ? 'n/m' : formatKb(rssKb),
            `${finished.length} / ${runs.length}`,
          ],
        ],
      },
    ],
    targets: [
      judge(
        `${formatCount(TARGET_WORKFLOWS)} workflows published and labelled in under ${formatMs(TARGET_DONE_MS)}`,
        atTargetSize ? doneMs : undefined,
        (value) => value < TARGET_DONE_MS,
        formatMs,
        missing ?? (atTargetSize ? 'a run did not finish (see below)' : skipped),
      ),
      judge(
        `publisher peak RSS under ${formatKb(TARGET_RSS_KB)} during the catch-up of ${formatCount(TARGET_WORKFLOWS)}`,
        atTargetSize ? rssKb : undefined,
        (value) => value < TARGET_RSS_KB,
        formatKb,
        missing ?? (atTargetSize ? 'no run finished' : skipped),
      ),
    ],
    notMeasured,
  };
}
