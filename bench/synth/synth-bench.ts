import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuiltProduct } from '../harness/build.js';
import { formatBytes, formatCount, formatKb, formatMs, formatRatio } from '../harness/format.js';
import { runMeasured, type MeasuredRun } from '../harness/process.js';
import { BENCH_REPO_ROOT, describeTree, firstMissing } from '../harness/product.js';
import type { BenchProfile } from '../harness/profile.js';
import { judge, type Section, type TargetResult } from '../harness/report.js';
import { median } from '../harness/stats.js';
import { generateConfig } from './config-generator.js';

/** The three ways the same config is synthesized. */
type Variant = 'full' | 'app' | 'floor';

const RUN_TIMEOUT_MS = 180_000;
const FLOOR_APP = join(import.meta.dirname, 'floor-app.js');
const TARGET_APP_OVER_FLOOR = 1.5;
const TARGET_APP_OVER_FLOOR_SIZES = [1_000, 5_000];
const TARGET_FULL_SYNTH_MS = 3_000;
const TARGET_FULL_SYNTH_SIZE = 1_000;
const TARGET_FLAT_FACTOR = 1.5;

/** Medians of one size. */
interface SizeResult {
  readonly pipelines: number;
  readonly namespaces: number;
  /** Median wall time and peak RSS per variant; absent where the variant could not run. */
  readonly wallMs: Partial<Record<Variant, number>>;
  readonly rssKb: Partial<Record<Variant, number>>;
  /** Objects written by the last run of each variant. */
  readonly output: Partial<Record<Variant, SynthOutput>>;
}

/** Runs the synth scaling bench over the profile's sizes. */
export async function synthBench(product: BuiltProduct, profile: BenchProfile): Promise<Section> {
  const notMeasured: string[] = [];
  const missing = new Map<Variant, string>();
  const fullSynthMissing = firstMissing(product.tree, 'src/main.ts', 'cdk8s.yaml');
  if (fullSynthMissing)
    missing.set('full', `full cdk8s synth: ${fullSynthMissing} is missing in ${describeTree(product.tree)}`);
  if (product.error) missing.set('app', `app alone: ${product.error}`);
  else if (fullSynthMissing === 'src/main.ts') missing.set('app', 'app alone: src/main.ts is missing');
  for (const reason of missing.values()) notMeasured.push(reason);

  const work = mkdtempSync(join(tmpdir(), 'kfp-events-bench-synth-'));
  const sizes = profile.synthSizes.map((pipelines) => {
    const config = generateConfig(pipelines);
    const configFile = join(work, `config-${pipelines}.yaml`);
    writeFileSync(configFile, config.yaml);
    const runs: Record<Variant, MeasuredRun[]> = { full: [], app: [], floor: [] };
    const output: Partial<Record<Variant, SynthOutput>> = {};
    return { config, configFile, runs, output };
  });

  try {
    // Each round runs every size and variant in turn, so that drift on the shared machine hits all
    // of them alike and the comparisons across sizes are as fair as those within one. An untimed
    // first round warms the file cache and the tsx transform cache.
    const rounds = profile.synthWarmup ? profile.synthRuns + 1 : profile.synthRuns;
    for (let round = 0; round < rounds; round++) {
      const timed = !profile.synthWarmup || round > 0;
      for (const size of sizes) {
        for (const variant of ['floor', 'app', 'full'] as const) {
          if (missing.has(variant)) continue;
          const outdir = join(work, `out-${variant}`);
          rmSync(outdir, { recursive: true, force: true });
          try {
            const run = await runVariant(variant, product, size.configFile, outdir);
            if (timed) size.runs[variant].push(run);
            size.output[variant] = measureOutput(outdir);
          } catch (err) {
            const reason = `${variantLabel(variant)} failed at ${size.config.pipelines} pipelines: ${(err as Error).message}`;
            missing.set(variant, reason);
            notMeasured.push(reason);
          }
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const results: SizeResult[] = sizes.map((size) => ({
    pipelines: size.config.pipelines,
    namespaces: size.config.namespaces,
    wallMs: medians(size.runs, (run) => run.wallMs),
    rssKb: medians(size.runs, (run) => run.peakRssKb),
    output: size.output,
  }));

  return {
    title: 'Synth scaling',
    method: [
      `Configs of ${profile.synthSizes.map(formatCount).join(', ')} pipelines over up to 20 consumer namespaces; triggers rotate log, http, k8s patch, workflow submit.`,
      '"full synth" is `npx cdk8s synth -o <tmp>` as users run it (the cdk8s.yaml app, through tsx; `--no-check-upgrade` keeps it off the network); "app alone" is `node lib/src/main.js` on the compiled app; "floor" writes the same kinds of objects as raw `ApiObject`s (bench/synth/floor.ts); the last two columns compare what each wrote.',
      `Every figure is the median of ${profile.synthRuns} runs; each round runs every size and variant in turn${profile.synthWarmup ? ' after an untimed warm-up round' : ''}; peak RSS is of the largest process in the tree.`,
      '"per pipeline" is wall time / pipelines; "net per pipeline" subtracts the time at the smallest size (Node and library start-up) and divides by the pipelines added, so growth beyond linear shows.',
    ],
    tables: [
      {
        header: [
          'pipelines',
          'full synth',
          'app alone',
          'floor',
          'app / floor',
          'RSS full',
          'RSS app',
          'RSS floor',
          'app per pipeline',
          'app net per pipeline',
          'floor net per pipeline',
          'objects app / floor',
          'YAML app / floor',
        ],
        rows: results.map((r) => row(r, results[0])),
      },
    ],
    targets: targets(results, profile),
    notMeasured,
  };
}

async function runVariant(variant: Variant, product: BuiltProduct, configFile: string, outdir: string) {
  const env = { ...process.env, KFP_EVENTS_CONFIG: configFile, CDK8S_OUTDIR: outdir };
  const cwd = product.tree.root;
  switch (variant) {
    case 'full':
      // In another tree the CLI of this repository runs, so that npm never runs there.
      return product.tree.isBenchRepo
        ? runMeasured('npx', ['--no', 'cdk8s', 'synth', '--no-check-upgrade', '-o', outdir], {
            cwd,
            env,
            timeoutMs: RUN_TIMEOUT_MS,
          })
        : runMeasured(
            join(BENCH_REPO_ROOT, 'node_modules', '.bin', 'cdk8s'),
            ['synth', '--no-check-upgrade', '-o', outdir],
            {
              cwd,
              env,
              timeoutMs: RUN_TIMEOUT_MS,
            },
          );
    case 'app':
      return runMeasured('node', [join(product.libDir, 'src', 'main.js')], {
        cwd,
        env,
        timeoutMs: RUN_TIMEOUT_MS,
      });
    case 'floor':
      return runMeasured('node', [FLOOR_APP], { cwd: BENCH_REPO_ROOT, env, timeoutMs: RUN_TIMEOUT_MS });
  }
}

function medians(runs: Record<Variant, MeasuredRun[]>, pick: (run: MeasuredRun) => number) {
  const out: Partial<Record<Variant, number>> = {};
  for (const [variant, list] of Object.entries(runs) as [Variant, MeasuredRun[]][]) {
    if (list.length > 0) out[variant] = median(list.map(pick));
  }
  return out;
}

/** What a synth wrote. */
interface SynthOutput {
  /** Manifests over every YAML file. */
  readonly objects: number;
  /** Bytes of YAML. */
  readonly bytes: number;
}

/** Counts the manifests and bytes in every YAML file of a synth output folder. */
function measureOutput(outdir: string): SynthOutput {
  let objects = 0;
  let bytes = 0;
  for (const file of readdirSync(outdir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.yaml') && !file.endsWith('.yml')) continue;
    const text = readFileSync(join(outdir, file), 'utf8');
    objects += text.match(/^kind: /gm)?.length ?? 0;
    bytes += Buffer.byteLength(text);
  }
  return { objects, bytes };
}

function row(r: SizeResult, smallest: SizeResult | undefined): string[] {
  const ms = (value: number | undefined): string => (value === undefined ? 'n/m' : formatMs(value));
  const kb = (value: number | undefined): string => (value === undefined ? 'n/m' : formatKb(value));
  const ratio = appOverFloor(r);
  const net = netPerPipelineMs(r, smallest, 'app');
  const floorNet = netPerPipelineMs(r, smallest, 'floor');
  return [
    formatCount(r.pipelines),
    ms(r.wallMs.full),
    ms(r.wallMs.app),
    ms(r.wallMs.floor),
    ratio === undefined ? 'n/m' : formatRatio(ratio),
    kb(r.rssKb.full),
    kb(r.rssKb.app),
    kb(r.rssKb.floor),
    r.wallMs.app === undefined ? 'n/m' : formatMs(r.wallMs.app / r.pipelines),
    net === undefined ? '–' : formatMs(net),
    floorNet === undefined ? '–' : formatMs(floorNet),
    `${r.output.app ? formatCount(r.output.app.objects) : 'n/m'} / ${r.output.floor ? formatCount(r.output.floor.objects) : 'n/m'}`,
    `${r.output.app ? formatBytes(r.output.app.bytes) : 'n/m'} / ${r.output.floor ? formatBytes(r.output.floor.bytes) : 'n/m'}`,
  ];
}

function appOverFloor(r: SizeResult): number | undefined {
  return r.wallMs.app === undefined || r.wallMs.floor === undefined
    ? undefined
    : r.wallMs.app / r.wallMs.floor;
}

/** App time per pipeline above the smallest size's (start-up) time; undefined at the smallest size. */
function netPerPipelineMs(
  r: SizeResult | undefined,
  smallest: SizeResult | undefined,
  variant: Variant,
): number | undefined {
  if (r === undefined || smallest === undefined || r.pipelines === smallest.pipelines) return undefined;
  const [time, base] = [r.wallMs[variant], smallest.wallMs[variant]];
  return time === undefined || base === undefined
    ? undefined
    : (time - base) / (r.pipelines - smallest.pipelines);
}

function targets(results: readonly SizeResult[], profile: BenchProfile): TargetResult[] {
  const at = (pipelines: number): SizeResult | undefined => results.find((r) => r.pipelines === pipelines);
  const notRun = (pipelines: number): string =>
    profile.synthSizes.includes(pipelines)
      ? 'the product did not run (see below)'
      : `${formatCount(pipelines)} pipelines are not in the ${profile.name} profile`;
  const list: TargetResult[] = TARGET_APP_OVER_FLOOR_SIZES.map((pipelines) => {
    const size = at(pipelines);
    return judge(
      `app alone within ${TARGET_APP_OVER_FLOOR}x of the floor at ${formatCount(pipelines)} pipelines`,
      size && appOverFloor(size),
      (ratio) => ratio <= TARGET_APP_OVER_FLOOR,
      (ratio) => `${formatRatio(ratio)} (${formatMs(size!.wallMs.app!)} vs ${formatMs(size!.wallMs.floor!)})`,
      notRun(pipelines),
    );
  });

  list.push(
    judge(
      `full synth of ${formatCount(TARGET_FULL_SYNTH_SIZE)} pipelines under ${formatMs(TARGET_FULL_SYNTH_MS)}`,
      at(TARGET_FULL_SYNTH_SIZE)?.wallMs.full,
      (ms) => ms < TARGET_FULL_SYNTH_MS,
      (ms) => formatMs(ms),
      notRun(TARGET_FULL_SYNTH_SIZE),
    ),
  );

  // Flat: the net time per pipeline at 5,000 stays within a factor of that at 1,000, so a super-linear
  // cost (a quadratic lookup, say) shows. At 100 the net time is within the run-to-run noise of the
  // start-up it is computed from, so it is printed but not judged.
  const smallest = results[0];
  const early = netPerPipelineMs(at(1_000), smallest, 'app');
  const late = netPerPipelineMs(at(5_000), smallest, 'app');
  list.push(
    judge(
      `time per pipeline flat up to 5,000 (net per pipeline at 5,000 within ${TARGET_FLAT_FACTOR}x of that at 1,000)`,
      early === undefined || late === undefined ? undefined : late / early,
      (ratio) => ratio <= TARGET_FLAT_FACTOR,
      (ratio) => `${formatRatio(ratio)} (${formatMs(late!)} vs ${formatMs(early!)} per pipeline)`,
      notRun(5_000),
    ),
  );
  return list;
}

function variantLabel(variant: Variant): string {
  return { full: 'full cdk8s synth', app: 'app alone', floor: 'floor' }[variant];
}
