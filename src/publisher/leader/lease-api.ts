import {
  ApiException,
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
} from '@kubernetes/client-node';

/** What the elector reads from and writes to a Lease. */
export interface LeaseRecord {
  /** Who holds the lease; empty when released. */
  readonly holderIdentity: string;
  /** Seconds the holder claims it for after each renewal. */
  readonly leaseDurationSeconds: number;
  /** RFC 3339 (micro) time of the last acquire or renewal, as written by the holder. */
  readonly renewTime: string;
  readonly acquireTime: string;
  readonly leaseTransitions: number;
}

/** A Lease as read: its record and the resourceVersion to update it against. */
export interface ObservedLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** The Lease calls of the elector. Writes resolve to `false` when another writer won (409). */
export interface LeaseApi {
  get(): Promise<ObservedLease | undefined>;
  create(record: LeaseRecord): Promise<boolean>;
  update(record: LeaseRecord, resourceVersion: string): Promise<boolean>;
}

/** The {@link LeaseApi} of one `coordination.k8s.io/v1` Lease, through `@kubernetes/client-node`. */
export function kubeLeaseApi(kubeConfig: KubeConfig, namespace: string, name: string): LeaseApi {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);

  return {
    async get() {
      try {
        const lease = await api.readNamespacedLease({ namespace, name });
        return { record: fromLease(lease), resourceVersion: lease.metadata?.resourceVersion ?? '' };
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
    },

    async create(record) {
      return conflictIsFalse(() =>
        api.createNamespacedLease({ namespace, body: toLease(name, namespace, record) }),
      );
    },

    async update(record, resourceVersion) {
      return conflictIsFalse(() =>
        api.replaceNamespacedLease({
          namespace,
          name,
          body: toLease(name, namespace, record, resourceVersion),
        }),
      );
    },
  };
}

async function conflictIsFalse(write: () => Promise<V1Lease>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) return false;
    throw error;
  }
}

function fromLease(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    renewTime: timeText(spec.renewTime),
    acquireTime: timeText(spec.acquireTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

function toLease(name: string, namespace: string, record: LeaseRecord, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: new V1MicroTime(record.acquireTime),
      renewTime: new V1MicroTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}

function timeText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : '';
}
