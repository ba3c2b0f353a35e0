import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcome label of a publish attempt. */
export type PublishOutcome = 'published' | 'rejected' | 'unavailable' | 'error';

/** Which source an event came from. */
export type EventSourceKind = 'http' | 'workflow';

/**
 * The publisher's Prometheus metrics, on one registry (never the global one, so several instances
 * can live in one process, as tests need).
 */
export class PublisherMetrics {
  public readonly registry = new Registry();

  /** Events by source, run status and outcome. */
  public readonly events = new Counter({
    name: 'kfp_events_events_total',
    help: 'Run-completion events handled, by source, run status and outcome.',
    labelNames: ['source', 'status', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Seconds from accepting an event to the bus confirming it. */
  public readonly publishLatency = new Histogram({
    name: 'kfp_events_publish_duration_seconds',
    help: 'Time from accepting an event to the bus confirming it (flush or PubAck).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Publishes waiting for the bus to confirm them. */
  public readonly publishesInFlight = new Gauge({
    name: 'kfp_events_publishes_in_flight',
    help: 'Publishes waiting for the bus to confirm them (flush or PubAck).',
    registers: [this.registry],
  });

  /** Finished, not yet published workflows known to the workflow source. */
  public readonly backlog = new Gauge({
    name: 'kfp_events_workflow_backlog',
    help: 'Finished workflows seen but not yet published and labelled.',
    registers: [this.registry],
  });

  /** Workflows that could not be turned into an event and were skipped. */
  public readonly workflowsSkipped = new Counter({
    name: 'kfp_events_workflows_skipped_total',
    help: 'Finished workflows skipped because they could not be turned into an event, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** 1 while connected to the bus, else 0. */
  public readonly busConnected = new Gauge({
    name: 'kfp_events_bus_connected',
    help: '1 while the publisher is connected to the NATS bus, else 0.',
    registers: [this.registry],
  });

  /** 1 while this replica holds the workflow-watch lease (or leader election is off), else 0. */
  public readonly leader = new Gauge({
    name: 'kfp_events_workflow_leader',
    help: '1 while this replica watches workflows (holds the lease, or leader election is off), else 0.',
    registers: [this.registry],
  });

  /** @param withDefaults also collect Node.js process metrics (memory, event loop lag, …) */
  public constructor(withDefaults = false) {
    if (withDefaults) collectDefaultMetrics({ register: this.registry, prefix: 'kfp_events_' });
  }
}
