import type { WorkflowSourceConfig } from './config.js';
import type { Logger } from './log.js';
import type { PublisherMetrics } from './metrics.js';
import type { EventPublisher } from './sink.js';
import type { WorkflowSourceHandle } from './workflows/index.js';

/** What the `publish` command shares with the workflow source. */
export interface WorkflowSourceDependencies {
  /** Where events go. The workflow source counts and logs its events itself. */
  readonly publisher: EventPublisher;
  /** The CloudEvent `source`. */
  readonly source: string;
  readonly logger: Logger;
  readonly metrics: PublisherMetrics;
}

/**
 * Starts the Argo Workflows source from the publisher's configuration, with the Kubernetes
 * credentials of the pod (or `$KUBECONFIG` outside a cluster). The Kubernetes client and the source are
 * loaded only here, so a publisher without workflow namespaces starts without them.
 */
export async function startConfiguredWorkflowSource(
  config: WorkflowSourceConfig,
  dependencies: WorkflowSourceDependencies,
): Promise<WorkflowSourceHandle> {
  const [{ KubeConfig }, { startWorkflowSource }, { createMlmdClient }] = await Promise.all([
    import('@kubernetes/client-node'),
    import('./workflows/index.js'),
    import('./mlmd/grpc-client.js'),
  ]);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const mlmd =
    config.mlmdAddress === undefined ? undefined : createMlmdClient({ address: config.mlmdAddress });

  const handle = startWorkflowSource({
    namespaces: config.namespaces,
    kubeConfig,
    publisher: dependencies.publisher,
    source: dependencies.source,
    mlmd,
    artifactComponent: config.artifactComponent,
    artifactOutput: config.artifactOutput,
    leaderElection: config.leaderElection,
    logger: dependencies.logger,
    metrics: dependencies.metrics,
  });
  return {
    ...handle,
    stop: async (options) => {
      await handle.stop(options);
      mlmd?.close();
    },
  };
}
