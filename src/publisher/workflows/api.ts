import {
  ApiException,
  CustomObjectsApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { WorkflowApiError } from './errors.js';
import {
  PUBLISHED_LABEL,
  WORKFLOW_GROUP,
  WORKFLOW_PLURAL,
  WORKFLOW_VERSION,
  type Workflow,
} from './workflow.js';

/**
 * Seconds after which the API server ends a watch; the source then resumes from the last version,
 * so a connection that died silently is noticed within this time.
 */
export const WATCH_TIMEOUT_SECONDS = 300;

/** One page of a workflow list. */
export interface WorkflowPage {
  readonly items: readonly Workflow[];
  /** The list's resourceVersion: watch from here to miss nothing. */
  readonly resourceVersion: string;
  /** The token of the next page, when there is one. */
  readonly continueToken?: string;
}

/** A watch event as the API server streams it. */
export type WorkflowWatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: Workflow }
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string }
  | { readonly type: 'ERROR'; readonly code: number; readonly message: string };

/** An open watch: `done` settles when the stream ends (`undefined`) or fails (the error). */
export interface WorkflowWatch {
  readonly done: Promise<Error | undefined>;
  abort(): void;
}

/** The calls the workflow source makes to the Kubernetes API (an interface, so tests can see them). */
export interface WorkflowApi {
  list(
    namespace: string,
    options: { labelSelector?: string; limit: number; continueToken?: string },
  ): Promise<WorkflowPage>;
  watch(
    namespace: string,
    options: { labelSelector?: string; resourceVersion: string },
    onEvent: (event: WorkflowWatchEvent) => void,
  ): Promise<WorkflowWatch>;
  markPublished(namespace: string, name: string): Promise<void>;
}

/** The {@link WorkflowApi} of a cluster, through `@kubernetes/client-node`. */
export function kubeWorkflowApi(kubeConfig: KubeConfig): WorkflowApi {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const watcher = new Watch(kubeConfig);
  const base = { group: WORKFLOW_GROUP, version: WORKFLOW_VERSION, plural: WORKFLOW_PLURAL };

  return {
    async list(namespace, options) {
      const list = (await call(`list workflows in ${namespace}`, () =>
        custom.listNamespacedCustomObject({
          ...base,
          namespace,
          labelSelector: options.labelSelector,
          limit: options.limit,
          _continue: options.continueToken,
        }),
      )) as { items?: Workflow[]; metadata?: { resourceVersion?: string; continue?: string } };
      return {
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        ...(list.metadata?.continue ? { continueToken: list.metadata.continue } : {}),
      };
    },

    async watch(namespace, options, onEvent) {
      let settle: (error: Error | undefined) => void = () => undefined;
      const done = new Promise<Error | undefined>((resolve) => (settle = resolve));
      const path = `/apis/${WORKFLOW_GROUP}/${WORKFLOW_VERSION}/namespaces/${namespace}/${WORKFLOW_PLURAL}`;
      const query = {
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: WATCH_TIMEOUT_SECONDS,
        ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
      };

      const controller = await watcher.watch(
        path,
        query,
        (type: string, object: unknown) => onEvent(toWatchEvent(type, object)),
        (error: unknown) =>
          settle(
            error === null || error === undefined
              ? undefined
              : asError(`watch workflows in ${namespace}`, error),
          ),
      );
      return { done, abort: () => controller.abort() };
    },

    async markPublished(namespace, name) {
      await call(`label workflow ${namespace}/${name}`, () =>
        custom.patchNamespacedCustomObject(
          { ...base, namespace, name, body: { metadata: { labels: { [PUBLISHED_LABEL]: 'true' } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    },
  };
}

function toWatchEvent(type: string, object: unknown): WorkflowWatchEvent {
  if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
    return { type, object: object as Workflow };
  if (type === 'BOOKMARK') {
    const rv = (object as Workflow | undefined)?.metadata?.resourceVersion ?? '';
    return { type, resourceVersion: rv };
  }
  const status = (object ?? {}) as { code?: number; message?: string };
  return {
    type: 'ERROR',
    code: status.code ?? 0,
    message: status.message ?? `unexpected watch event type ${type}`,
  };
}

async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw asError(what, error);
  }
}

function asError(what: string, error: unknown): WorkflowApiError {
  if (error instanceof WorkflowApiError) return error;
  const code =
    error instanceof ApiException
      ? error.code
      : ((error as { statusCode?: number } | undefined)?.statusCode ?? undefined);
  const detail = error instanceof Error ? error.message : String(error);
  return new WorkflowApiError(what, code, detail, { cause: error });
}
