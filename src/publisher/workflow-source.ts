import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from './log.js';
import type { PublisherMetrics } from './metrics.js';
import type { EventPublisher } from './sink.js';

/**
 * What the `publish` command hands to the workflow source (the agreed signature of
 * `startWorkflowSource` in `./workflows/`).
 */
export interface WorkflowSourceOptions {
  readonly namespaces: readonly string[];
  readonly kubeConfig: KubeConfig;
  /**
   * Where events go. It already counts `kfp_events_events_total{source="workflow"}` and logs one line
   * per published event, so the workflow source need not do either.
   */
  readonly publisher: EventPublisher;
  /** The CloudEvent `source`. */
  readonly source: string;
  /** `host:port` of ML Metadata; absent means events carry no serving model artifacts. */
  readonly mlmdAddress?: string;
  readonly artifactComponent: string;
  readonly artifactOutput: string;
  /** Absent means this replica always watches. */
  readonly leaderElection?: {
    readonly leaseName: string;
    readonly leaseNamespace: string;
    readonly identity: string;
    readonly leaseDurationMs: number;
  };
  readonly logger: Logger;
  readonly metrics: PublisherMetrics;
}

/** A running workflow source. */
export interface WorkflowSourceHandle {
  /** Stops watching and waits for work in progress. */
  stop(): Promise<void>;
  /** Whether this replica currently watches (holds the lease, or leader election is off). */
  isLeader(): boolean;
  /** Finished workflows seen but not yet published. */
  backlog(): number;
}

/** Raised when the workflow source cannot be started in this build. */
export class WorkflowSourceUnavailableError extends Error {
  override readonly name = 'WorkflowSourceUnavailableError';
}

/**
 * Starts the Argo Workflows source.
 *
 * TODO: call `startWorkflowSource` from `./workflows/index.js` once the workflows module exports it;
 * until then the publish command refuses to start with workflow namespaces configured rather than
 * silently ignoring them.
 */
export function startWorkflowSource(options: WorkflowSourceOptions): Promise<WorkflowSourceHandle> {
  return Promise.reject(
    new WorkflowSourceUnavailableError(
      `the workflow source is not part of this build; cannot watch ${options.namespaces.join(', ')}`,
    ),
  );
}
