/** Starts a callback once the current round of I/O callbacks is done (`setImmediate`). */
export type Scheduler = (run: () => void) => void;

/**
 * Gathers the publishes that arrive during one turn of the event loop and sends them together.
 *
 * Each HTTP request is read in its own I/O callback, and nats.js writes its buffer to the socket a
 * microtask after the first message enters it, so publishing as each request arrives costs one
 * socket write per event. Deferring the sends to a `setImmediate` puts every publish of the turn into
 * one buffer, and so into one write; `confirm` (core mode: a shared flush) is then asked once for the
 * whole batch. A send that throws rejects only its own publish.
 */
export class OutboundBatch {
  private pending: Array<Pending> = [];

  /**
   * @param confirm resolves once the server confirmed everything sent before it was called
   * @param schedule when the batch goes out
   */
  public constructor(
    private readonly confirm: () => Promise<void>,
    private readonly schedule: Scheduler = setImmediate,
  ) {}

  /**
   * Sends with the next batch. Resolves once `send`'s own promise (if any) and the batch's
   * confirmation resolved; rejects with the first of them that rejects.
   */
  public submit(send: () => Promise<void> | void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending.length === 0) this.schedule(() => this.run());
      this.pending.push({ send, resolve, reject });
    });
  }

  private run(): void {
    const batch = this.pending;
    this.pending = [];

    const sent: Array<{ readonly item: Pending; readonly done: Promise<void> | void }> = [];
    for (const item of batch) {
      try {
        sent.push({ item, done: item.send() });
      } catch (err) {
        item.reject(err);
      }
    }
    if (sent.length === 0) return;

    const confirmed = this.confirm();
    for (const { item, done } of sent) {
      Promise.all([done, confirmed]).then(() => item.resolve(), item.reject);
    }
  }
}

interface Pending {
  readonly send: () => Promise<void> | void;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}
