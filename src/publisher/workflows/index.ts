import type { KubeConfig } from '@kubernetes/client-node';
import { LeaseElector } from '../leader/elector.js';
import { kubeLeaseApi, type LeaseApi } from '../leader/lease-api.js';
import type { Logger } from '../log.js';
import type { PublisherMetrics } from '../metrics.js';
import type { MlmdClient } from '../mlmd/client.js';
import { kubeWorkflowApi, type WorkflowApi } from './api.js';
import { abortableDelay, type Backoff } from './backoff.js';
import { watchNamespace } from './namespace-watch.js';
import { WorkflowQueue, type RunCompletionSink } from './queue.js';

export { MalformedWorkflowError, WorkflowApiError, type WorkflowProblem } from './errors.js';
export { workflowStatus, workflowToEvent, type WorkflowEventOptions } from './mapping.js';
export type { RunCompletionSink } from './queue.js';
export { PUBLISHED_LABEL, WORKFLOW_KEYS, type Workflow } from './workflow.js';

/** Workflows published at once. */
export const DEFAULT_CONCURRENCY = 4;

/** Workflows per list page. */
export const DEFAULT_PAGE_SIZE = 100;

/** Backoff of list/watch reconnects and of workflow retries. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, factor: 2, maxMs: 30_000 };

/** Lookups that find no MLMD context for a run before its event is sent without serving artifacts. */
export const DEFAULT_MLMD_CONTEXT_ATTEMPTS = 5;

/** Leader election settings of the workflow source. */
export interface WorkflowLeaderElection {
  /** The Lease's name. */
  readonly leaseName: string;
  /** The Lease's namespace (the publisher's own). */
  readonly leaseNamespace: string;
  /** This replica's identity (the pod name). */
  readonly identity: string;
  /**
   * How long a lease holds without renewal, in millis; a new leader takes over within it.
   * @default 15000
   */
  readonly leaseDurationMs?: number;
  /**
   * Millis the leader keeps leading while renewals fail.
   * @default - two thirds of the lease duration
   */
  readonly renewDeadlineMs?: number;
  /**
   * Millis between attempts to acquire or renew.
   * @default - one seventh of the lease duration
   */
  readonly retryPeriodMs?: number;
}

/** Options of {@link startWorkflowSource}. */
export interface WorkflowSourceOptions {
  /** The namespaces whose workflows are watched (at least one). */
  readonly namespaces: readonly string[];
  /** How to reach the Kubernetes API (in a pod: `loadFromCluster()`). */
  readonly kubeConfig: KubeConfig;
  /** Where events go; the runtime's `EventPublisher`. */
  readonly publisher: RunCompletionSink;
  /** The CloudEvent `source` of the events. */
  readonly source: string;
  /**
   * Resolves pushed models from ML Metadata.
   * @default - none: events carry no serving model artifacts
   */
  readonly mlmd?: MlmdClient | undefined;
  /** The component whose output holds the pushed models (`KFP_EVENTS_ARTIFACT_COMPONENT`). */
  readonly artifactComponent: string;
  /** That component's output (`KFP_EVENTS_ARTIFACT_OUTPUT`). */
  readonly artifactOutput: string;
  /**
   * Only the holder of this Lease watches workflows.
   * @default - no leader election: this process always watches
   */
  readonly leaderElection?: WorkflowLeaderElection | undefined;
  readonly logger: Logger;
  readonly metrics: PublisherMetrics;
  /**
   * Workflows published at once.
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Workflows per list page.
   * @default 100
   */
  readonly pageSize?: number;
  /**
   * Backoff of reconnects and retries.
   * @default - 500 ms, doubling, at most 30 s
   */
  readonly backoff?: Backoff;
  /**
   * How many times a finished run whose MLMD context is missing is looked up again (with backoff)
   * before its event is sent with no serving artifacts.
   * @default 5
   */
  readonly mlmdContextAttempts?: number;
  /**
   * The clock, for tests.
   * @default - Date.now
   */
  readonly now?: () => number;
  /**
   * Waits for backoff, for tests; must resolve early when the signal aborts.
   * @default - a timer
   */
  readonly delay?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** @internal Replaces the Kubernetes calls (tests). */
  readonly workflowApi?: WorkflowApi;
  /** @internal Replaces the Lease calls (tests). */
  readonly leaseApi?: LeaseApi;
}

/** Options of {@link WorkflowSourceHandle.stop}. */
export interface WorkflowSourceStopOptions {
  /**
   * Release the lease so that another replica takes over at once; `false` lets it expire, as a crash would.
   * @default true
   */
  readonly releaseLease?: boolean;
}

/** A running workflow source. */
export interface WorkflowSourceHandle {
  /** Stops watching, waits for the workflows being published, and releases the lease. */
  stop(options?: WorkflowSourceStopOptions): Promise<void>;
  /** Whether this process watches workflows now (holds the lease, or leader election is off). */
  isLeader(): boolean;
  /** Finished workflows seen but not yet published and labelled. */
  backlog(): number;
}

/**
 * Publishes every finished Argo workflow of the given namespaces once: works off the backlog of
 * finished, unlabelled workflows, then watches for more; each is published, then labelled
 * `pipelines.kubeflow.org/events-published=true`. With leader election, only the Lease holder does.
 */
export function startWorkflowSource(options: WorkflowSourceOptions): WorkflowSourceHandle {
  if (options.namespaces.length === 0) {
    throw new RangeError('startWorkflowSource: namespaces must name at least one namespace');
  }
  const api = options.workflowApi ?? kubeWorkflowApi(options.kubeConfig);
  const delay = options.delay ?? abortableDelay;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const logger = options.logger.child({ component: 'workflows' });
  let running: Runner | undefined;

  const begin = (): void => {
    running = startRunner(options, api, delay, backoff, logger);
    options.metrics.leader.set(1);
  };
  const end = async (): Promise<void> => {
    const runner = running;
    running = undefined;
    options.metrics.leader.set(0);
    await runner?.stop();
  };

  const election = options.leaderElection;
  if (election === undefined) {
    begin();
    return {
      stop: end,
      isLeader: () => running !== undefined,
      backlog: () => running?.queue.size ?? 0,
    };
  }

  const elector = new LeaseElector({
    api: options.leaseApi ?? kubeLeaseApi(options.kubeConfig, election.leaseNamespace, election.leaseName),
    identity: election.identity,
    leaseDurationMs: election.leaseDurationMs,
    renewDeadlineMs: election.renewDeadlineMs,
    retryPeriodMs: election.retryPeriodMs,
    onStartedLeading: begin,
    onStoppedLeading: end,
    logger,
    ...(options.now === undefined ? {} : { now: options.now }),
    delay,
  });
  options.metrics.leader.set(0);
  elector.start();
  return {
    stop: async (stopOptions = {}) => {
      await elector.stop({ release: stopOptions.releaseLease ?? true });
      await end();
    },
    isLeader: () => elector.isLeader && running !== undefined,
    backlog: () => running?.queue.size ?? 0,
  };
}

interface Runner {
  readonly queue: WorkflowQueue;
  stop(): Promise<void>;
}

function startRunner(
  options: WorkflowSourceOptions,
  api: WorkflowApi,
  delay: (ms: number, signal: AbortSignal) => Promise<void>,
  backoff: Backoff,
  logger: Logger,
): Runner {
  const controller = new AbortController();
  const queue = new WorkflowQueue({
    api,
    sink: options.publisher,
    source: options.source,
    mlmd: options.mlmd,
    artifactComponent: options.artifactComponent,
    artifactOutput: options.artifactOutput,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    retryBackoff: backoff,
    mlmdContextAttempts: options.mlmdContextAttempts ?? DEFAULT_MLMD_CONTEXT_ATTEMPTS,
    delay,
    logger,
    metrics: options.metrics,
  });
  const loops = options.namespaces.map((namespace) =>
    watchNamespace({
      namespace,
      api,
      queue,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      backoff,
      delay,
      logger: logger.child({ namespace }),
      signal: controller.signal,
    }),
  );

  return {
    queue,
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
      await queue.stop();
    },
  };
}
