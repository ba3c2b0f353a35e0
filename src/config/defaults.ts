import {
  EVENT_BUS_DEFAULTS,
  EVENT_SOURCE_DEFAULTS,
  formatDuration,
  PIPELINE_SENSOR_DEFAULTS,
  PUBLISHER_DEFAULTS,
  TRIGGER_DEFAULTS,
} from '../constructs/index.js';

/**
 * Every default of the config file, taken from the construct library's defaults so that the two cannot
 * drift. `src/schemas/config.schema.json` repeats them as `default` annotations for editors; a test
 * checks that the schema agrees. (The publisher's `delivery` has no fixed default: it follows the bus.)
 */
export const CONFIG_DEFAULTS = {
  bus: {
    name: EVENT_BUS_DEFAULTS.operatorBusName,
    kind: EVENT_BUS_DEFAULTS.kind,
    replicas: EVENT_BUS_DEFAULTS.replicas,
    auth: EVENT_BUS_DEFAULTS.auth,
    jetstreamVersion: EVENT_BUS_DEFAULTS.jetstreamVersion,
    persistenceSize: EVENT_BUS_DEFAULTS.volumeSize,
  },
  publisher: {
    replicas: PUBLISHER_DEFAULTS.replicas,
    source: PUBLISHER_DEFAULTS.source,
    encoding: PUBLISHER_DEFAULTS.encoding,
    subject: PUBLISHER_DEFAULTS.subject,
    workflowNamespaces: [] as readonly string[],
    logLevel: PUBLISHER_DEFAULTS.logLevel,
  },
  eventSource: {
    name: EVENT_SOURCE_DEFAULTS.name,
    connectionBackoff: {
      duration: formatDuration(EVENT_SOURCE_DEFAULTS.backoffDuration),
      factor: EVENT_SOURCE_DEFAULTS.backoffFactor,
      jitter: EVENT_SOURCE_DEFAULTS.backoffJitter,
      steps: EVENT_SOURCE_DEFAULTS.backoffSteps,
    },
  },
  pipeline: { status: PIPELINE_SENSOR_DEFAULTS.status },
  trigger: {
    atLeastOnce: TRIGGER_DEFAULTS.atLeastOnce,
    retry: {
      steps: TRIGGER_DEFAULTS.retrySteps,
      duration: formatDuration(TRIGGER_DEFAULTS.retryDuration),
      factor: TRIGGER_DEFAULTS.retryFactor,
      jitter: TRIGGER_DEFAULTS.retryJitter,
    },
    httpMethod: TRIGGER_DEFAULTS.httpMethod,
    k8sOperation: 'create',
    patchStrategy: 'merge',
  },
  parameter: { index: 0 },
} as const;

/** The patch content type each config `patchStrategy` stands for. */
export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;
