// The publisher runtime's public API, for embedding it or building another source on its sink.
export {
  loadPublisherConfig,
  PublisherConfigError,
  type EnvProblem,
  type LeaderElectionConfig,
  type LoadConfigOptions,
  type NatsAuth,
  type NatsConfig,
  type NatsTlsConfig,
  type PublisherRuntimeConfig,
  type WorkflowSourceConfig,
} from './config.js';
export { HealthServer, type HealthServerOptions } from './health.js';
export { EVENTS_PATH, HttpSource, type HttpSourceOptions } from './http.js';
export {
  parseEventRequest,
  type HttpEventForm,
  type ParsedRequest,
  type RequestProblem,
} from './http-event.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions } from './log.js';
export { PublisherMetrics, type EventSourceKind, type PublishOutcome } from './metrics.js';
export {
  replayStream,
  ReplayError,
  type ReplayOptions,
  type ReplayResult,
  type ReplayStart,
} from './replay.js';
export {
  BusUnavailableError,
  NatsEventPublisher,
  PublishTimeoutError,
  StreamSetupError,
  type ConnectBackoff,
  type EventPublisher,
  type NatsEventPublisherOptions,
} from './sink.js';
