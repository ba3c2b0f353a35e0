import type { Logger } from '../log.js';
import type { WorkflowApi, WorkflowWatch } from './api.js';
import { backoffDelay, type Backoff } from './backoff.js';
import { WorkflowApiError } from './errors.js';
import type { WorkflowQueue } from './queue.js';
import { PUBLISHED_LABEL } from './workflow.js';

/**
 * Pages of the backlog listed ahead of publishing: the next page is fetched only while fewer than
 * this many pages of workflows wait in the queue, so a large backlog is never held in memory at once.
 */
export const LIST_AHEAD_PAGES = 2;

/** Only workflows not yet labelled are listed and watched. */
export const UNPUBLISHED_SELECTOR = `!${PUBLISHED_LABEL}`;

/** What one namespace's list-and-watch loop needs. */
export interface NamespaceWatchOptions {
  readonly namespace: string;
  readonly api: WorkflowApi;
  readonly queue: WorkflowQueue;
  /** Items per list page. */
  readonly pageSize: number;
  readonly backoff: Backoff;
  readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

type WatchOutcome =
  | { readonly kind: 'ended'; readonly resourceVersion: string; readonly events: number }
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed'; readonly resourceVersion: string; readonly error: Error };

/**
 * Lists the namespace's unlabelled workflows page by page (the backlog), then watches from the
 * list's resourceVersion. A watch that ends or fails is resumed from the last version seen, after a
 * backoff; `410 Gone` (the version was compacted away) starts over with a fresh list. Runs until
 * `signal` aborts.
 */
export async function watchNamespace(options: NamespaceWatchOptions): Promise<void> {
  const { namespace, backoff, delay, logger, signal } = options;
  let failures = 0;

  while (!signal.aborted) {
    let resourceVersion: string;
    try {
      resourceVersion = await listBacklog(options);
      failures = 0;
    } catch (error) {
      failures += 1;
      logger.warn('cannot list workflows, will retry', { namespace, attempt: failures, error });
      await delay(backoffDelay(backoff, failures), signal);
      continue;
    }

    while (!signal.aborted) {
      const outcome = await watchOnce(options, resourceVersion);
      if (outcome.kind === 'gone') {
        logger.info('workflow watch expired (410 Gone), listing again', { namespace, resourceVersion });
        break;
      }

      resourceVersion = outcome.resourceVersion;
      if (outcome.kind === 'failed') {
        failures += 1;
        logger.warn('workflow watch failed, will reconnect', {
          namespace,
          attempt: failures,
          error: outcome.error,
        });
      } else {
        failures = outcome.events > 0 ? 1 : failures + 1;
        logger.debug('workflow watch ended, reconnecting', { namespace, resourceVersion });
      }
      await delay(backoffDelay(backoff, failures), signal);
    }
  }
}

async function listBacklog(options: NamespaceWatchOptions): Promise<string> {
  const { api, namespace, pageSize, queue, signal } = options;
  let continueToken: string | undefined;
  let resourceVersion = '';

  do {
    await queue.whenBelow(LIST_AHEAD_PAGES * pageSize, signal);
    if (signal.aborted) break;
    const page = await api.list(namespace, {
      labelSelector: UNPUBLISHED_SELECTOR,
      limit: pageSize,
      ...(continueToken === undefined ? {} : { continueToken }),
    });
    if (resourceVersion === '') resourceVersion = page.resourceVersion;
    for (const workflow of page.items) queue.offer(workflow);
    continueToken = page.continueToken;
  } while (continueToken !== undefined && !signal.aborted);

  options.logger.info('listed workflow backlog', { namespace, resourceVersion, backlog: queue.size });
  return resourceVersion;
}

async function watchOnce(options: NamespaceWatchOptions, from: string): Promise<WatchOutcome> {
  const { api, namespace, queue, signal } = options;
  let resourceVersion = from;
  let events = 0;
  let gone = false;
  let failure: Error | undefined;

  let watch: WorkflowWatch | undefined;
  const opening = api.watch(namespace, { labelSelector: UNPUBLISHED_SELECTOR, resourceVersion }, (event) => {
    events += 1;
    if (event.type === 'ERROR') {
      if (event.code === 410) gone = true;
      else failure = new WorkflowApiError(`watch workflows in ${namespace}`, event.code, event.message);
      watch?.abort();
      return;
    }
    if (event.type === 'BOOKMARK') {
      resourceVersion = event.resourceVersion || resourceVersion;
      return;
    }
    resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
    if (event.type === 'DELETED') queue.forget(event.object);
    else queue.offer(event.object);
  });
  try {
    watch = await untilAborted(opening, signal);
  } catch (error) {
    return { kind: 'failed', resourceVersion, error: error as Error };
  }
  if (watch === undefined) {
    // Stopped while connecting: close the watch as soon as it opens.
    opening.then((late) => late.abort()).catch(() => undefined);
    return { kind: 'ended', resourceVersion, events };
  }

  const open = watch;
  const onAbort = (): void => open.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const error = await open.done;
  signal.removeEventListener('abort', onAbort);

  if (gone) return { kind: 'gone' };
  if (failure !== undefined) return { kind: 'failed', resourceVersion, error: failure };
  if (error !== undefined && (error as WorkflowApiError).status === 410) return { kind: 'gone' };
  if (error !== undefined && !signal.aborted) return { kind: 'failed', resourceVersion, error };
  return { kind: 'ended', resourceVersion, events };
}

/** `promise`'s value, or `undefined` as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
