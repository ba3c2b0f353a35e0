import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { matchesLabelSelector } from './fake-kube-selectors.js';

/** A stored object of the fake: anything with Kubernetes object metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generateName?: string;
    labels?: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
  };
  spec?: unknown;
  status?: unknown;
}

/** One recorded request, for assertions. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

/** A fault to inject: the next `times` requests matching `method` and `path` get `status`. */
export interface InjectedFault {
  readonly method?: string;
  readonly path?: RegExp;
  readonly status: number;
  times: number;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Change {
  readonly rv: number;
  readonly type: WatchType;
  readonly before: KubeObject | undefined;
  readonly object: KubeObject;
}

interface Watcher {
  readonly namespace: string;
  readonly selector: string | undefined;
  readonly res: ServerResponse;
  readonly bookmarks: boolean;
}

interface ListSnapshot {
  readonly rv: number;
  readonly items: readonly KubeObject[];
}

const WORKFLOWS = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/workflows(?:\/([^/]+))?$/;
const LEASES = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;

/**
 * An in-process Kubernetes API server on 127.0.0.1 that keeps the real protocol for
 * `argoproj.io/v1alpha1` workflows (chunked list, watch streams with 410 Gone on an expired
 * resourceVersion, JSON merge patch) and `coordination.k8s.io/v1` Leases (optimistic concurrency).
 */
export class FakeKubeServer {
  /** Every request served, in order. */
  public readonly requests: RecordedRequest[] = [];

  private readonly server: Server;
  private readonly workflows = new Map<string, KubeObject>();
  private readonly leases = new Map<string, KubeObject>();
  private readonly changes: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly snapshots = new Map<string, ListSnapshot>();
  private readonly faults: InjectedFault[] = [];
  private resourceVersion = 1000;
  private oldestWatchable = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendStatus(res, 500, 'InternalError', String(error));
      });
    });
  }

  /** Starts a fake API server on a free loopback port. */
  public static async start(): Promise<FakeKubeServer> {
    const fake = new FakeKubeServer();
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    return fake;
  }

  /** `http://127.0.0.1:<port>`. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A KubeConfig whose current context points at this server. */
  public kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'fake' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace: 'default' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** The KubeConfig of {@link kubeConfig} as a kubeconfig file's text (for child processes). */
  public kubeConfigYaml(): string {
    return this.kubeConfig().exportConfig();
  }

  /** The current (latest) resourceVersion. */
  public get currentResourceVersion(): number {
    return this.resourceVersion;
  }

  /** Creates a workflow (as Argo's controller would) and notifies watchers; returns the stored copy. */
  public addWorkflow(workflow: KubeObject): KubeObject {
    const namespace = workflow.metadata?.namespace ?? 'default';
    const name =
      workflow.metadata?.name ?? `${workflow.metadata?.generateName ?? 'wf-'}${randomUUID().slice(0, 5)}`;
    const stored = this.bump(
      structuredClone({
        ...workflow,
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { ...workflow.metadata, name, namespace, uid: workflow.metadata?.uid ?? randomUUID() },
      }),
    );
    this.workflows.set(`${namespace}/${name}`, stored);
    this.record('ADDED', undefined, stored);
    return structuredClone(stored);
  }

  /** Replaces a workflow with `update(current)` (e.g. a phase change) and notifies watchers. */
  public updateWorkflow(
    namespace: string,
    name: string,
    update: (current: KubeObject) => KubeObject,
  ): KubeObject {
    const before = this.mustGetWorkflow(namespace, name);
    const stored = this.bump(structuredClone(update(structuredClone(before))));
    this.workflows.set(`${namespace}/${name}`, stored);
    this.record('MODIFIED', before, stored);
    return structuredClone(stored);
  }

  /** Deletes a workflow and notifies watchers. */
  public deleteWorkflow(namespace: string, name: string): void {
    const before = this.mustGetWorkflow(namespace, name);
    this.workflows.delete(`${namespace}/${name}`);
    this.record('DELETED', before, this.bump(structuredClone(before)));
  }

  /** A copy of the stored workflow, or undefined. */
  public getWorkflow(namespace: string, name: string): KubeObject | undefined {
    const found = this.workflows.get(`${namespace}/${name}`);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Copies of every stored workflow of a namespace. */
  public listWorkflows(namespace: string): KubeObject[] {
    return [...this.workflows.values()]
      .filter((w) => w.metadata?.namespace === namespace)
      .map((w) => structuredClone(w));
  }

  /** A copy of the stored Lease, or undefined. */
  public getLease(namespace: string, name: string): KubeObject | undefined {
    const found = this.leases.get(`${namespace}/${name}`);
    return found === undefined ? undefined : structuredClone(found);
  }

  /**
   * Forgets the change history: every watch from a resourceVersion older than the current one gets
   * `410 Gone`, and every outstanding list `continue` token expires, as after an etcd compaction.
   */
  public expireResourceVersions(): void {
    this.oldestWatchable = this.resourceVersion;
    this.changes.length = 0;
    this.snapshots.clear();
  }

  /** Ends every open watch stream cleanly (as the API server does when a watch times out). */
  public endWatches(): void {
    for (const watcher of this.watchers) watcher.res.end();
    this.watchers.clear();
  }

  /** Sends a BOOKMARK event at the current resourceVersion to every watch that asked for bookmarks. */
  public bookmark(): void {
    for (const watcher of this.watchers) {
      if (!watcher.bookmarks) continue;
      const object = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { resourceVersion: String(this.resourceVersion) },
      };
      watcher.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    }
  }

  /** The number of open watch streams. */
  public get openWatches(): number {
    return this.watchers.size;
  }

  /** Makes the next `times` requests matching `method`/`path` fail with `status`. */
  public injectFault(fault: Omit<InjectedFault, 'times'> & { times?: number }): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Stops the server, cutting every connection. */
  public async stop(): Promise<void> {
    this.endWatches();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams });
    const body = await readBody(req);

    const fault = this.faults.find(
      (f) =>
        f.times > 0 &&
        (f.method === undefined || f.method === method) &&
        (f.path?.test(url.pathname) ?? true),
    );
    if (fault !== undefined) {
      fault.times -= 1;
      sendStatus(res, fault.status, 'InternalError', 'injected fault');
      return;
    }

    const workflows = WORKFLOWS.exec(url.pathname);
    if (workflows !== null) {
      this.handleWorkflows(method, workflows[1] as string, workflows[2], url.searchParams, req, body, res);
      return;
    }
    const leases = LEASES.exec(url.pathname);
    if (leases !== null) {
      this.handleLeases(method, leases[1] as string, leases[2], body, res);
      return;
    }
    sendStatus(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
  }

  private handleWorkflows(
    method: string,
    namespace: string,
    name: string | undefined,
    query: URLSearchParams,
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
  ): void {
    if (name === undefined && method === 'GET' && query.get('watch') === 'true') {
      this.watch(namespace, query, res);
    } else if (name === undefined && method === 'GET') {
      this.list(namespace, query, res);
    } else if (name !== undefined && method === 'GET') {
      const found = this.workflows.get(`${namespace}/${name}`);
      if (found === undefined) sendStatus(res, 404, 'NotFound', `workflows.argoproj.io "${name}" not found`);
      else sendJson(res, 200, found);
    } else if (name !== undefined && method === 'PATCH') {
      this.patch(namespace, name, req.headers['content-type'], body, res);
    } else {
      sendStatus(res, 405, 'MethodNotAllowed', `${method} is not supported by the fake`);
    }
  }

  private list(namespace: string, query: URLSearchParams, res: ServerResponse): void {
    const token = query.get('continue');
    const limit = Number(query.get('limit') ?? '0');
    let snapshot: ListSnapshot;
    let offset = 0;

    if (token) {
      const [id, start] = token.split(':');
      const found = this.snapshots.get(id ?? '');
      if (found === undefined) {
        sendStatus(
          res,
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result.',
        );
        return;
      }
      snapshot = found;
      offset = Number(start);
    } else {
      const selector = query.get('labelSelector') ?? undefined;
      const items = [...this.workflows.values()]
        .filter(
          (w) => w.metadata?.namespace === namespace && matchesLabelSelector(selector, w.metadata?.labels),
        )
        .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
        .map((w) => structuredClone(w));
      snapshot = { rv: this.resourceVersion, items };
    }

    const end = limit > 0 ? Math.min(offset + limit, snapshot.items.length) : snapshot.items.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.rv) };
    if (end < snapshot.items.length) {
      const id = token?.split(':')[0] ?? randomUUID();
      this.snapshots.set(id, snapshot);
      metadata.continue = `${id}:${end}`;
      metadata.remainingItemCount = snapshot.items.length - end;
    }
    sendJson(res, 200, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowList',
      metadata,
      items: snapshot.items.slice(offset, end),
    });
  }

  private watch(namespace: string, query: URLSearchParams, res: ServerResponse): void {
    const selector = query.get('labelSelector') ?? undefined;
    const from = query.get('resourceVersion');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();

    if (from !== null && from !== '' && from !== '0' && Number(from) < this.oldestWatchable) {
      const status = statusObject(
        410,
        'Expired',
        `too old resource version: ${from} (${this.oldestWatchable})`,
      );
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }

    const watcher: Watcher = {
      namespace,
      selector,
      res,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
    };
    if (from === null || from === '' || from === '0') {
      for (const w of this.workflows.values()) {
        if (w.metadata?.namespace === namespace && matchesLabelSelector(selector, w.metadata?.labels)) {
          res.write(`${JSON.stringify({ type: 'ADDED', object: w })}\n`);
        }
      }
    } else {
      for (const change of this.changes) if (change.rv > Number(from)) this.send(watcher, change);
    }
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private patch(
    namespace: string,
    name: string,
    contentType: string | undefined,
    body: string,
    res: ServerResponse,
  ): void {
    if (contentType !== 'application/merge-patch+json') {
      sendStatus(
        res,
        415,
        'UnsupportedMediaType',
        `the fake supports only application/merge-patch+json, got ${contentType}`,
      );
      return;
    }
    const before = this.workflows.get(`${namespace}/${name}`);
    if (before === undefined) {
      sendStatus(res, 404, 'NotFound', `workflows.argoproj.io "${name}" not found`);
      return;
    }
    const patched = mergePatch(structuredClone(before), JSON.parse(body)) as KubeObject;
    const stored = this.bump(patched);
    this.workflows.set(`${namespace}/${name}`, stored);
    this.record('MODIFIED', before, stored);
    sendJson(res, 200, stored);
  }

  private handleLeases(
    method: string,
    namespace: string,
    name: string | undefined,
    body: string,
    res: ServerResponse,
  ): void {
    const key = `${namespace}/${name ?? ''}`;
    if (method === 'GET' && name !== undefined) {
      const found = this.leases.get(key);
      if (found === undefined)
        sendStatus(res, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      else sendJson(res, 200, found);
      return;
    }
    if (method === 'POST' && name === undefined) {
      const lease = JSON.parse(body) as KubeObject;
      const leaseKey = `${namespace}/${lease.metadata?.name ?? ''}`;
      if (this.leases.has(leaseKey)) {
        sendStatus(
          res,
          409,
          'AlreadyExists',
          `leases.coordination.k8s.io "${lease.metadata?.name}" already exists`,
        );
        return;
      }
      const stored = this.bump({
        ...lease,
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...lease.metadata, namespace, uid: randomUUID() },
      });
      this.leases.set(leaseKey, stored);
      sendJson(res, 201, stored);
      return;
    }
    if (method === 'PUT' && name !== undefined) {
      const lease = JSON.parse(body) as KubeObject;
      const current = this.leases.get(key);
      if (current === undefined) {
        sendStatus(res, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
        return;
      }
      if (lease.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
        sendStatus(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
        return;
      }
      const stored = this.bump({
        ...lease,
        metadata: { ...lease.metadata, namespace, uid: current.metadata?.uid },
      });
      this.leases.set(key, stored);
      sendJson(res, 200, stored);
      return;
    }
    sendStatus(res, 405, 'MethodNotAllowed', `${method} is not supported by the fake`);
  }

  private bump(object: KubeObject): KubeObject {
    this.resourceVersion += 1;
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(this.resourceVersion) } };
  }

  private record(type: WatchType, before: KubeObject | undefined, object: KubeObject): void {
    const change: Change = { rv: this.resourceVersion, type, before, object };
    this.changes.push(change);
    for (const watcher of this.watchers) this.send(watcher, change);
  }

  private send(watcher: Watcher, change: Change): void {
    if (change.object.metadata?.namespace !== watcher.namespace) return;
    const was =
      change.before !== undefined && matchesLabelSelector(watcher.selector, change.before.metadata?.labels);
    const is = matchesLabelSelector(watcher.selector, change.object.metadata?.labels);
    let type: WatchType | undefined;
    if (change.type === 'DELETED') type = was ? 'DELETED' : undefined;
    else if (change.type === 'ADDED') type = is ? 'ADDED' : undefined;
    else if (was && is) type = 'MODIFIED';
    else if (is) type = 'ADDED';
    else if (was) type = 'DELETED';
    if (type !== undefined) watcher.res.write(`${JSON.stringify({ type, object: change.object })}\n`);
  }

  private mustGetWorkflow(namespace: string, name: string): KubeObject {
    const found = this.workflows.get(`${namespace}/${name}`);
    if (found === undefined) throw new Error(`fake kube: no workflow ${namespace}/${name}`);
    return found;
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function statusObject(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, statusObject(code, reason, message));
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
