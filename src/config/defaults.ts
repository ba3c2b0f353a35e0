import { DEFAULT_WIRE_ENCODING, PUBLISHER_ENV } from '../contract/index.js';

/**
 * Every default of the config file, in one place. `src/schemas/config.schema.json` repeats them as
 * `default` annotations for editors; a test checks that the two agree.
 */
export const CONFIG_DEFAULTS = {
  bus: {
    name: 'kfp-operator-events',
    kind: 'native',
    replicas: 3,
    auth: 'none',
    jetstreamVersion: 'latest',
    persistenceSize: '10Gi',
  },
  publisher: {
    replicas: 2,
    source: PUBLISHER_ENV.SOURCE.default,
    encoding: DEFAULT_WIRE_ENCODING,
    delivery: PUBLISHER_ENV.DELIVERY.default,
    subject: PUBLISHER_ENV.SUBJECT.default,
    workflowNamespaces: [] as readonly string[],
    artifactComponent: PUBLISHER_ENV.ARTIFACT_COMPONENT.default,
    artifactOutput: PUBLISHER_ENV.ARTIFACT_OUTPUT.default,
    logLevel: PUBLISHER_ENV.LOG_LEVEL.default,
  },
  eventSource: {
    name: 'run-completion',
    connectionBackoff: { duration: '10s', factor: 2, jitter: 0.2, steps: 5 },
  },
  pipeline: { status: 'succeeded' },
  trigger: { atLeastOnce: true, httpMethod: 'POST', k8sOperation: 'create', patchStrategy: 'merge' },
  parameter: { index: 0 },
} as const;
