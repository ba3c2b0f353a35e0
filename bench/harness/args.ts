/** The parts of the bench, each runnable alone. */
export const BENCH_PARTS = ['synth', 'publisher', 'backlog'] as const;

/** One part of the bench. */
export type BenchPart = (typeof BENCH_PARTS)[number];

/** Parsed command line of `npm run bench -- [part…] [--quick] [--product-root DIR]`. */
export interface BenchArgs {
  /** The parts to run, in the order given; every part when none is named. */
  readonly parts: readonly BenchPart[];
  readonly quick: boolean;
  /** The tree to measure; this repository when absent. */
  readonly productRoot?: string;
  readonly help: boolean;
}

/** The usage text. */
export const USAGE = `usage: npm run bench -- [${BENCH_PARTS.join('|')} ...] [--quick] [--product-root DIR]

  synth        synth scaling: full cdk8s synth, the app alone and the raw ApiObject floor
  publisher    publisher throughput and latency against nats-server, beside its two floors
  backlog      catch-up over 10,000 finished workflows in the fake Kubernetes API
  --quick      fewer sizes and shorter runs (under two minutes)
  --product-root DIR   measure the product in another checkout (read only); default: this repository`;

/** The error thrown for a command line the bench does not understand. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** Parses the bench's command line. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const parts: BenchPart[] = [];
  const problems: string[] = [];
  let quick = false;
  let help = false;
  let productRoot: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--product-root') {
      productRoot = argv[++i];
      if (productRoot === undefined) problems.push('--product-root needs a folder');
    } else if (arg.startsWith('--product-root=')) productRoot = arg.slice('--product-root='.length);
    else if ((BENCH_PARTS as readonly string[]).includes(arg)) parts.push(arg as BenchPart);
    else
      problems.push(
        `unknown argument ${JSON.stringify(arg)}; allowed: ${BENCH_PARTS.join(', ')}, --quick, --product-root DIR`,
      );
  }

  if (problems.length > 0) throw new BenchUsageError(problems.join('\n'));
  return {
    parts: parts.length > 0 ? [...new Set(parts)] : [...BENCH_PARTS],
    quick,
    help,
    ...(productRoot ? { productRoot } : {}),
  };
}
