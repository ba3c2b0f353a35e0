/** One backlog run for the backlog driver. */
export interface BacklogJob {
  /** The fake Kubernetes API module (`test/support/fake-kube.ts` of the product tree). */
  readonly fakeKubeModule: string;
  /** The compiled publisher CLI. */
  readonly cliJs: string;
  /** The publisher's working folder. */
  readonly cwd: string;
  /** Finished, unlabelled workflows in the fake before the publisher starts. */
  readonly workflows: number;
  /** The run gives up after this many millis. */
  readonly timeoutMs: number;
}

/** What one backlog run gave; times are from the publisher's spawn. */
export interface BacklogRun {
  /** Until `/readyz` answered 200. */
  readonly readyMs?: number;
  /** Until every workflow's event arrived at the NATS subscriber. */
  readonly publishedMs?: number;
  /** Until every workflow carried the published label (checked on the fake's store). */
  readonly doneMs?: number;
  readonly published: number;
  readonly labelled: number;
  /** The publisher's VmHWM at the end, in KiB. */
  readonly peakRssKb?: number;
  /** Why the run did not finish, with the publisher's stderr. */
  readonly failure?: string;
}
