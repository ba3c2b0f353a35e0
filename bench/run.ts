/**
 * `npm run bench -- [synth|publisher|backlog ...] [--quick] [--product-root DIR]`: measures the product
 * against its floors and prints a markdown report, also written to `bench/results.md`. Figures only:
 * it never fails on speed, and `npm test` does not run it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backlogBench } from './backlog/backlog-bench.js';
import { BenchUsageError, parseArgs, USAGE, type BenchPart } from './harness/args.js';
import { buildProduct, type BuiltProduct } from './harness/build.js';
import { machineInfo, renderMachine } from './harness/machine.js';
import { rssMethod } from './harness/process.js';
import { BENCH_REPO_ROOT, describeTree, productTree } from './harness/product.js';
import { FULL_PROFILE, QUICK_PROFILE, type BenchProfile } from './harness/profile.js';
import { renderSection, type Section } from './harness/report.js';
import { publisherBench } from './publisher/publisher-bench.js';
import { synthBench } from './synth/synth-bench.js';

const RESULTS_FILE = join(BENCH_REPO_ROOT, 'bench', 'results.md');

const PARTS: Record<BenchPart, (product: BuiltProduct, profile: BenchProfile) => Promise<Section>> = {
  synth: synthBench,
  publisher: publisherBench,
  backlog: backlogBench,
};

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  const profile = args.quick ? QUICK_PROFILE : FULL_PROFILE;
  const machine = machineInfo();
  const started = performance.now();
  const product = buildProduct(productTree(args.productRoot));
  const sections: Section[] = [];
  try {
    for (const part of args.parts) {
      console.error(`bench: ${part} (${profile.name})…`);
      const section = await runPart(part, product, profile);
      sections.push(section);
      console.error(renderSection(section), '\n');
    }
  } finally {
    product.dispose();
  }

  const report = [
    `# kfp-events bench (${profile.name}: ${args.parts.join(', ')})`,
    renderMachine(machine),
    `- product: ${describeTree(product.tree)}`,
    `- peak RSS: ${rssMethod()}`,
    `- bench wall time: ${Math.round((performance.now() - started) / 1_000)} s`,
    ...sections.map(renderSection),
  ].join('\n\n');
  console.log(report);
  writeFileSync(RESULTS_FILE, `${report}\n`);
  return 0;
}

/** Runs one part; a part that throws is reported as not measured, and the other parts still run. */
async function runPart(part: BenchPart, product: BuiltProduct, profile: BenchProfile): Promise<Section> {
  try {
    return await PARTS[part](product, profile);
  } catch (err) {
    return {
      title: `${part} (failed)`,
      method: [],
      tables: [],
      targets: [],
      notMeasured: [`the ${part} bench failed: ${(err as Error).stack ?? String(err)}`],
    };
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BenchUsageError) console.error(`${err.message}\n\n${USAGE}`);
    else console.error(err);
    process.exit(err instanceof BenchUsageError ? 2 : 1);
  },
);
