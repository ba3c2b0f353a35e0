/** How much a bench run does: the full profile, or the reduced one of `--quick`. */
export interface BenchProfile {
  readonly name: 'full' | 'quick';
  /** Pipelines per generated config. */
  readonly synthSizes: readonly number[];
  /** Timed runs per size and variant; figures are their median. */
  readonly synthRuns: number;
  /** Whether an untimed round at the first size warms the file and tsx caches first. */
  readonly synthWarmup: boolean;
  /** Concurrent HTTP clients of the closed-loop runs. */
  readonly concurrencies: readonly number[];
  /** Timed runs per mode, concurrency and server; figures are their median. */
  readonly publisherRuns: number;
  /** Length of one closed-loop run, in millis. */
  readonly closedLoopMs: number;
  /** Length of the warm-up before each server's runs, in millis. */
  readonly warmupMs: number;
  /** Events per second of the paced open-loop latency run. */
  readonly pacedRate: number;
  /** Length of one paced run, in millis. */
  readonly pacedMs: number;
  /** Finished workflows in the fake Kubernetes API for the backlog run. */
  readonly backlogWorkflows: number;
  /** Backlog runs; figures are their median. */
  readonly backlogRuns: number;
}

/** The full bench: every size the issue names; about 15 minutes on a 2-CPU machine. */
export const FULL_PROFILE: BenchProfile = {
  name: 'full',
  synthSizes: [10, 100, 1_000, 5_000],
  synthRuns: 5,
  synthWarmup: true,
  concurrencies: [1, 8, 64],
  publisherRuns: 3,
  closedLoopMs: 4_000,
  warmupMs: 1_000,
  pacedRate: 500,
  pacedMs: 6_000,
  backlogWorkflows: 10_000,
  backlogRuns: 3,
};

/**
 * `--quick`: fewer sizes, shorter runs and a smaller backlog; under two minutes. Targets set for a size
 * it skips (5,000 pipelines, 10,000 workflows) read "not measured".
 */
export const QUICK_PROFILE: BenchProfile = {
  name: 'quick',
  synthSizes: [1_000],
  synthRuns: 3,
  synthWarmup: false,
  concurrencies: [1, 64],
  publisherRuns: 3,
  closedLoopMs: 500,
  warmupMs: 300,
  pacedRate: 500,
  pacedMs: 1_000,
  backlogWorkflows: 500,
  backlogRuns: 3,
};
