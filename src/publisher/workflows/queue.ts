import { setMaxListeners } from 'node:events';
import type { RunCompletionEvent, ServingModelArtifact } from '../../contract/index.js';
import type { Logger } from '../log.js';
import type { PublisherMetrics } from '../metrics.js';
import type { MlmdClient, ServingModelQuery } from '../mlmd/client.js';
import type { WorkflowApi } from './api.js';
import { backoffDelay, type Backoff } from './backoff.js';
import { MalformedWorkflowError } from './errors.js';
import { workflowStatus, workflowToEvent } from './mapping.js';
import { isPublished, WORKFLOW_KEYS, workflowKey, type Workflow } from './workflow.js';

/** Where the workflow source puts events: the runtime's `EventPublisher` satisfies it. */
export interface RunCompletionSink {
  /** Resolves once the bus confirmed the event; rejects when it did not (the workflow is retried). */
  publish(event: RunCompletionEvent): Promise<void>;
}

/** Everything the queue needs, resolved by the workflow source. */
export interface WorkflowQueueOptions {
  readonly api: WorkflowApi;
  readonly sink: RunCompletionSink;
  readonly source: string;
  readonly mlmd: MlmdClient | undefined;
  readonly artifactComponent: string;
  readonly artifactOutput: string;
  readonly concurrency: number;
  readonly retryBackoff: Backoff;
  /** Lookups that find no MLMD context before the event is sent without serving artifacts. */
  readonly mlmdContextAttempts: number;
  readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  readonly metrics: PublisherMetrics;
}

/**
 * What the queue keeps of a workflow waiting to be published: the event mapped from it and the few
 * fields the MLMD lookup and the label patch need. The workflow object itself (whose `status.nodes`
 * can be large) is dropped once mapped, so a backlog of many workflows costs little memory.
 */
interface Entry {
  /** `namespace/name`, for logs. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** The event without serving model artifacts (those come from MLMD when it is configured). */
  event: RunCompletionEvent;
  /** The MLMD lookup of the run, but for the component and output (the same for every workflow). */
  lookup: Omit<ServingModelQuery, 'component' | 'output'>;
  attempts: number;
  contextMisses: number;
}

/** MLMD has no context for the run yet; retried a bounded number of times. */
class ContextNotFound extends Error {
  public override readonly name = 'ContextNotFound';
}

/**
 * The finished, unlabelled workflows waiting to be published, worked off with bounded concurrency.
 * Each is mapped, enriched from MLMD, published, then labelled; any failure but a malformed object
 * is retried with backoff, so nothing is dropped. One entry per workflow uid, however often the
 * workflow is seen.
 */
export class WorkflowQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly ready: string[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly labelled = new Set<string>();
  private readonly skipped = new Set<string>();
  /** Uids published but perhaps not labelled yet: a retry only labels them. */
  private readonly published = new Set<string>();
  private readonly controller = new AbortController();
  /** Callers of {@link WorkflowQueue.whenBelow} waiting for the queue to shrink. */
  private readonly shrinkWaiters: Array<{ readonly limit: number; readonly resolve: () => void }> = [];

  public constructor(private readonly options: WorkflowQueueOptions) {
    // Every retrying workflow waits on this signal (and removes its listener when done); a backlog
    // retrying while the bus is down has more waiters than Node's default warning threshold of 10.
    setMaxListeners(0, this.controller.signal);
  }

  /** Workflows seen finished and not yet published and labelled. */
  public get size(): number {
    return this.entries.size;
  }

  /**
   * Resolves once fewer than `limit` workflows wait (at once when they already do), or once the
   * queue stops or `signal` aborts; lets a lister fetch the next page only when there is room for it.
   */
  public whenBelow(limit: number, signal: AbortSignal): Promise<void> {
    if (this.entries.size < limit || this.controller.signal.aborted || signal.aborted) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const waiter = { limit, resolve: () => done() };
      const done = (): void => {
        signal.removeEventListener('abort', done);
        const index = this.shrinkWaiters.indexOf(waiter);
        if (index >= 0) this.shrinkWaiters.splice(index, 1);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.shrinkWaiters.push(waiter);
    });
  }

  /** Offers a workflow as listed or watched; finished, unlabelled ones are queued once. */
  public offer(workflow: Workflow): void {
    const uid = workflow.metadata?.uid ?? workflowKey(workflow);
    if (this.controller.signal.aborted || this.labelled.has(uid) || this.skipped.has(uid)) return;
    if (isPublished(workflow)) {
      if (!this.running.has(uid)) this.remove(uid);
      return;
    }

    let event: RunCompletionEvent;
    try {
      if (workflowStatus(workflow) === undefined) return;
      event = workflowToEvent(workflow, { source: this.options.source });
    } catch (error) {
      if (!(error instanceof MalformedWorkflowError)) throw error;
      this.skip(uid, error);
      return;
    }

    const lookup = mlmdLookup(workflow, event);
    const entry = this.entries.get(uid);
    if (entry !== undefined) {
      entry.event = event;
      entry.lookup = lookup;
      return;
    }
    const { namespace = '', name = '' } = workflow.metadata ?? {};
    this.entries.set(uid, {
      key: workflowKey(workflow),
      namespace,
      name,
      event,
      lookup,
      attempts: 0,
      contextMisses: 0,
    });
    this.ready.push(uid);
    this.updateGauge();
    this.pump();
  }

  /** Forgets a workflow that was deleted (or left the watched selection). */
  public forget(workflow: Workflow): void {
    const uid = workflow.metadata?.uid ?? workflowKey(workflow);
    this.labelled.delete(uid);
    this.skipped.delete(uid);
    this.published.delete(uid);
    if (!this.running.has(uid)) this.remove(uid);
  }

  /** Stops taking work and waits for the workflows being handled now. */
  public async stop(): Promise<void> {
    this.controller.abort();
    for (const waiter of this.shrinkWaiters.splice(0)) waiter.resolve();
    await Promise.allSettled(this.running.values());
  }

  private pump(): void {
    while (!this.controller.signal.aborted && this.running.size < this.options.concurrency) {
      const uid = this.ready.shift();
      if (uid === undefined) return;
      const entry = this.entries.get(uid);
      if (entry === undefined || this.running.has(uid)) continue;
      const run = this.handle(uid, entry).finally(() => {
        this.running.delete(uid);
        this.pump();
      });
      this.running.set(uid, run);
    }
  }

  private async handle(uid: string, entry: Entry): Promise<void> {
    const { logger, metrics } = this.options;

    try {
      await this.publishAndLabel(uid, entry);
      this.labelled.add(uid);
      this.remove(uid);
    } catch (error) {
      if (error instanceof MalformedWorkflowError) {
        this.skip(uid, error);
        return;
      }

      entry.attempts += 1;
      if (error instanceof ContextNotFound) {
        entry.contextMisses += 1;
      } else {
        metrics.events.inc({ source: 'workflow', status: entry.event.data.status, outcome: 'unavailable' });
      }
      const wait = backoffDelay(this.options.retryBackoff, entry.attempts);
      logger.warn('workflow not published yet, will retry', {
        workflow: entry.key,
        attempt: entry.attempts,
        retryInMs: wait,
        error,
      });
      void this.options.delay(wait, this.controller.signal).then(() => {
        if (this.controller.signal.aborted || !this.entries.has(uid)) return;
        this.ready.push(uid);
        this.pump();
      });
    }
  }

  private async publishAndLabel(uid: string, entry: Entry): Promise<void> {
    const { api, sink, logger, metrics } = this.options;

    if (!this.published.has(uid)) {
      const servingModelArtifacts = await this.servingModelArtifacts(entry);
      const event =
        servingModelArtifacts.length === 0
          ? entry.event
          : { ...entry.event, data: { ...entry.event.data, servingModelArtifacts } };
      const started = performance.now();
      await sink.publish(event);
      metrics.publishLatency.observe((performance.now() - started) / 1000);
      metrics.events.inc({ source: 'workflow', status: event.data.status, outcome: 'published' });
      this.published.add(uid);
      logger.info('published run completion', {
        workflow: entry.key,
        id: event.id,
        status: event.data.status,
        pipelineName: event.data.pipelineName,
        servingModelArtifacts: servingModelArtifacts.length,
      });
    }

    await api.markPublished(entry.namespace, entry.name);
  }

  private async servingModelArtifacts(entry: Entry): Promise<ServingModelArtifact[]> {
    const { mlmd, artifactComponent, artifactOutput, mlmdContextAttempts, logger } = this.options;
    if (mlmd === undefined) return [];

    const artifacts = await mlmd.servingModelArtifacts({
      ...entry.lookup,
      component: artifactComponent,
      output: artifactOutput,
    });
    if (artifacts !== undefined) return artifacts;

    if (entry.contextMisses + 1 < mlmdContextAttempts) {
      throw new ContextNotFound(`ML Metadata has no context for workflow ${entry.key} yet`);
    }
    logger.warn('ML Metadata has no context for the run; publishing without serving model artifacts', {
      workflow: entry.key,
      attempts: mlmdContextAttempts,
    });
    return [];
  }

  private skip(uid: string, error: MalformedWorkflowError): void {
    this.skipped.add(uid);
    this.remove(uid);
    this.options.metrics.workflowsSkipped.inc({ reason: 'malformed' });
    this.options.logger.warn('skipping workflow that cannot be turned into an event', {
      workflow: error.workflow,
      problems: error.problems,
    });
  }

  private remove(uid: string): void {
    this.entries.delete(uid);
    this.updateGauge();
    this.wakeShrinkWaiters();
  }

  private wakeShrinkWaiters(): void {
    const size = this.entries.size;
    for (let i = this.shrinkWaiters.length - 1; i >= 0; i--) {
      const waiter = this.shrinkWaiters[i];
      if (waiter === undefined || size >= waiter.limit) continue;
      this.shrinkWaiters.splice(i, 1);
      waiter.resolve();
    }
  }

  private updateGauge(): void {
    this.options.metrics.backlog.set(this.entries.size);
  }
}

/** The MLMD lookup of a workflow's run: its pipeline, name, run id and KFP generation. */
function mlmdLookup(workflow: Workflow, event: RunCompletionEvent): Entry['lookup'] {
  return {
    pipelineName: event.data.pipelineName,
    workflowName: workflow.metadata?.name ?? '',
    runId: workflow.metadata?.labels?.[WORKFLOW_KEYS.runId] ?? workflow.metadata?.uid ?? '',
    kfpV2: isKfpV2(workflow),
  };
}

/** Whether the KFP v2 backend compiled the workflow (its runs are recorded under `system.PipelineRun`). */
function isKfpV2(workflow: Workflow): boolean {
  const podLabels = (workflow.spec?.podMetadata as { labels?: Record<string, string> } | undefined)?.labels;
  return (
    workflow.metadata?.labels?.['pipelines.kubeflow.org/v2_pipeline'] === 'true' ||
    podLabels?.['pipelines.kubeflow.org/v2_component'] === 'true'
  );
}
