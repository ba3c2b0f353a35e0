/**
 * Shares flush round-trips among concurrent publishes on one connection.
 *
 * A NATS flush sends a PING and resolves on its PONG; the server answers in order, so one PONG
 * confirms every message written before its PING. {@link FlushCoalescer.confirm} therefore needs a
 * flush that starts after the caller's publish: when none is in flight it starts one at once; while
 * one is in flight (its PING may have left before the caller's message), the caller joins the single
 * next flush, which starts as soon as the current one succeeds. Any number of concurrent publishes
 * thus costs at most two outstanding round-trips.
 *
 * A flush fails when the connection is lost, and nats.js then discards what it had not written yet,
 * including messages published after that flush's PING. So a failed flush rejects every publish it
 * was to confirm and every publish waiting for the next flush: a flush started later, on the
 * re-established connection, would be answered without those messages.
 */
export class FlushCoalescer {
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  /** @param flush one round-trip to the server (`NatsConnection.flush`) */
  public constructor(private readonly flush: () => Promise<void>) {}

  /** Resolves once the server confirmed everything published before this call; rejects if it did not. */
  public confirm(): Promise<void> {
    if (this.current === undefined) return this.start();

    this.next ??= this.current.then(
      () => {
        this.next = undefined;
        return this.start();
      },
      (err: unknown) => {
        this.next = undefined;
        throw err;
      },
    );
    return this.next;
  }

  private start(): Promise<void> {
    const flushing = invoke(this.flush);
    const settle = (): void => {
      if (this.current === flushing) this.current = undefined;
    };
    flushing.then(settle, settle);
    this.current = flushing;
    return flushing;
  }
}

/** The function's promise; a synchronous throw becomes a rejection. */
function invoke(fn: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    fn().then(resolve, reject);
  });
}
