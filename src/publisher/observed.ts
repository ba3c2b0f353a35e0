import type { RunCompletionEvent } from '../contract/run-completion.js';
import type { Logger } from './log.js';
import type { EventSourceKind, PublisherMetrics, PublishOutcome } from './metrics.js';
import { BusUnavailableError, type EventPublisher } from './sink.js';

/**
 * Wraps a publisher so that every publish from one source is counted (`kfp_events_events_total` by
 * source, status and outcome) and every published event gets one JSON log line with its id,
 * pipeline, status and source. Sources publish through this; the sink itself stays silent.
 */
export function observedPublisher(
  publisher: EventPublisher,
  kind: EventSourceKind,
  logger: Logger,
  metrics: PublisherMetrics,
): EventPublisher {
  return {
    get connected() {
      return publisher.connected;
    },
    publish: async (event: RunCompletionEvent) => {
      const labels = { source: kind, status: event.data.status };
      try {
        await publisher.publish(event);
      } catch (err) {
        const outcome: PublishOutcome = err instanceof BusUnavailableError ? 'unavailable' : 'error';
        metrics.events.inc({ ...labels, outcome });
        throw err;
      }
      metrics.events.inc({ ...labels, outcome: 'published' });
      logger.info('published event', {
        id: event.id,
        pipeline: event.data.pipelineName,
        status: event.data.status,
        source: event.source,
        via: kind,
      });
    },
  };
}
