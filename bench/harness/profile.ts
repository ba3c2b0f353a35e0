/** How much a bench run does: the full profile, or the reduced one of `--quick`. */
export interface BenchProfile {
  readonly name: 'full' | 'quick';
  /** Pipelines per generated config. */
  readonly synthSizes: readonly number[];
  /** Timed runs per size and variant; figures are their median. */
  readonly synthRuns: number;
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
  concurrencies: [1, 8, 64],
  publisherRuns: 3,
  closedLoopMs: 4_000,
  warmupMs: 1_000,
  pacedRate: 500,
  pacedMs: 6_000,
  backlogWorkflows: 10_000,
  backlogRuns: 3,
};

/** `--quick`: fewer sizes, fewer and shorter runs; under two minutes. */
export const QUICK_PROFILE: BenchProfile = {
  name: 'quick',
  synthSizes: [10, 100, 1_000],
  synthRuns: 3,
  concurrencies: [1, 8, 64],
  publisherRuns: 3,
  closedLoopMs: 700,
  warmupMs: 300,
  pacedRate: 500,
  pacedMs: 2_000,
  backlogWorkflows: 10_000,
  backlogRuns: 1,
};
