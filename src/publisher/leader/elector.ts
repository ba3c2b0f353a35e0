import type { Logger } from '../log.js';
import { abortableDelay } from '../workflows/backoff.js';
import type { LeaseApi, LeaseRecord, ObservedLease } from './lease-api.js';

/** How long a lease holds without renewal, in millis, unless configured. */
export const DEFAULT_LEASE_DURATION_MS = 15_000;

/** Options of {@link LeaseElector}. */
export interface LeaseElectorOptions {
  /** The Lease to hold. */
  readonly api: LeaseApi;
  /** This candidate's identity (the pod name); must differ between candidates. */
  readonly identity: string;
  /**
   * How long, in millis, a lease holds without renewal: a candidate takes over a lease whose holder
   * has not renewed it for this long (measured on the candidate's own clock).
   * @default 15000
   */
  readonly leaseDurationMs?: number;
  /**
   * How long, in millis, the leader keeps leading while its renewals fail; below the lease duration,
   * so it stops before anyone else can start.
   * @default - two thirds of the lease duration
   */
  readonly renewDeadlineMs?: number;
  /**
   * Millis between attempts to acquire or renew.
   * @default - one seventh of the lease duration (about 2 s for 15 s)
   */
  readonly retryPeriodMs?: number;
  /** Called on becoming the leader. */
  readonly onStartedLeading: () => void | Promise<void>;
  /** Called on losing or giving up the lease; awaited before the lease is released. */
  readonly onStoppedLeading: () => void | Promise<void>;
  readonly logger: Logger;
  /**
   * The clock, for tests.
   * @default - Date.now
   */
  readonly now?: () => number;
  /**
   * Waits between attempts, for tests.
   * @default - a timer that the stop cuts short
   */
  readonly delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Options of {@link LeaseElector.stop}. */
export interface StopOptions {
  /**
   * Give the lease up so that another candidate takes over at once (on SIGTERM). `false` leaves it
   * to expire, as a crash would.
   * @default true
   */
  readonly release?: boolean;
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, in the manner of client-go: candidates try to
 * acquire the lease every retry period; the holder renews it; a lease not renewed within its
 * duration (as the candidate observed it) is taken over; a holder whose renewals fail for the renew
 * deadline stops leading.
 */
export class LeaseElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => number;
  private readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly controller = new AbortController();
  private observed: { key: string; at: number } | undefined;
  private leading = false;
  private loop: Promise<void> | undefined;

  public constructor(private readonly options: LeaseElectorOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.renewDeadlineMs = options.renewDeadlineMs ?? Math.floor((this.leaseDurationMs * 2) / 3);
    this.retryPeriodMs = options.retryPeriodMs ?? Math.max(1, Math.floor(this.leaseDurationMs / 7));
    this.now = options.now ?? Date.now;
    this.delay = options.delay ?? abortableDelay;
    if (!(this.retryPeriodMs < this.renewDeadlineMs && this.renewDeadlineMs < this.leaseDurationMs)) {
      throw new RangeError(
        `leader election needs retryPeriodMs < renewDeadlineMs < leaseDurationMs, got ` +
          `${this.retryPeriodMs} < ${this.renewDeadlineMs} < ${this.leaseDurationMs}`,
      );
    }
  }

  /** Whether this candidate holds the lease now. */
  public get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning (in the background). */
  public start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning and leading; releases the lease unless told not to. */
  public async stop(options: StopOptions = {}): Promise<void> {
    this.controller.abort();
    await this.loop;
    if (options.release ?? true) await this.release();
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      if (!(await this.tryAcquireOrRenew())) {
        await this.delay(this.retryPeriodMs, signal);
        continue;
      }

      this.leading = true;
      this.options.logger.info('acquired the lease; leading', { identity: this.options.identity });
      await this.options.onStartedLeading();
      await this.renewWhileLeading(signal);
      this.options.logger.info('stopped leading', { identity: this.options.identity });
      await this.options.onStoppedLeading();
      this.leading = false;
    }
  }

  private async renewWhileLeading(signal: AbortSignal): Promise<void> {
    let renewedAt = this.now();
    while (!signal.aborted) {
      await this.delay(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew()) {
        renewedAt = this.now();
      } else if (this.now() - renewedAt >= this.renewDeadlineMs) {
        this.options.logger.warn('could not renew the lease within the renew deadline', {
          identity: this.options.identity,
          renewDeadlineMs: this.renewDeadlineMs,
        });
        return;
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { api, identity } = this.options;
    const now = this.now();
    const time = new Date(now).toISOString();

    try {
      const current = await api.get();
      if (current === undefined) {
        return await api.create({
          holderIdentity: identity,
          leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
          acquireTime: time,
          renewTime: time,
          leaseTransitions: 0,
        });
      }

      this.observe(current, now);
      const { record } = current;
      const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== identity;
      if (heldByOther && (this.observed?.at ?? now) + this.leaseDurationMs > now) return false;

      const next: LeaseRecord =
        record.holderIdentity === identity
          ? { ...record, renewTime: time, leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000) }
          : {
              holderIdentity: identity,
              leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
              acquireTime: time,
              renewTime: time,
              leaseTransitions: record.leaseTransitions + 1,
            };
      return await api.update(next, current.resourceVersion);
    } catch (error) {
      this.options.logger.warn('lease request failed', { identity, error });
      return false;
    }
  }

  /** Notes when the lease record last changed, on this candidate's clock (immune to clock skew). */
  private observe(lease: ObservedLease, now: number): void {
    const key = `${lease.record.holderIdentity}\u0000${lease.record.renewTime}`;
    if (this.observed?.key !== key) this.observed = { key, at: now };
  }

  private async release(): Promise<void> {
    const { api, identity, logger } = this.options;
    try {
      const current = await api.get();
      if (current === undefined || current.record.holderIdentity !== identity) return;
      const time = new Date(this.now()).toISOString();
      await api.update({ ...current.record, holderIdentity: '', renewTime: time }, current.resourceVersion);
      logger.info('released the lease', { identity });
    } catch (error) {
      logger.warn('could not release the lease; it will expire', { identity, error });
    }
  }
}
