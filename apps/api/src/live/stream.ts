/**
 * A push-to-pull adapter: listeners push events, an async generator pulls them. `close`
 * ends the stream; the signal (tRPC's, aborted when the client goes) ends it too.
 */
export class EventStream<T> {
  #queue: T[] = [];
  #wake: (() => void) | null = null;
  #closed = false;
  #overflowed = false;
  #cleanups: Array<() => void> = [];

  /**
   * Past `maxQueued` waiting events (a consumer paced by a slow reader) the queue is dropped
   * and `takeOverflow()` says so once: a consumer that can re-read from the database does.
   */
  constructor(
    signal?: AbortSignal,
    private readonly maxQueued = Number.POSITIVE_INFINITY,
  ) {
    if (signal) {
      if (signal.aborted) this.close();
      else {
        const onAbort = () => this.close();
        signal.addEventListener('abort', onAbort, { once: true });
        this.#cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Registers something to release when the stream ends (an unsubscribe). */
  onClose(cleanup: () => void): void {
    if (this.#closed) cleanup();
    else this.#cleanups.push(cleanup);
  }

  push = (event: T): void => {
    if (this.#closed) return;
    if (this.#queue.length >= this.maxQueued) {
      this.#queue = [];
      this.#overflowed = true;
    }
    this.#queue.push(event);
    this.#wake?.();
  };

  /** Nothing waiting to be taken (and nothing dropped). */
  get idle(): boolean {
    return this.#queue.length === 0 && !this.#overflowed;
  }

  /**
   * Events may have been missed upstream (the link between nodes was down): `takeOverflow()`
   * says so next, as after an overflow, so the consumer re-reads from the database.
   */
  resync = (): void => {
    if (this.#closed) return;
    this.#overflowed = true;
    this.#wake?.();
  };

  /** Whether events were dropped (or may have been missed) since the last call. */
  takeOverflow(): boolean {
    const overflowed = this.#overflowed;
    this.#overflowed = false;
    return overflowed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#wake?.();
  }

  /** Waits for the next batch; empty once closed. */
  async take(): Promise<T[]> {
    while (this.#queue.length === 0 && !this.#closed && !this.#overflowed) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
    }
    const batch = this.#queue;
    this.#queue = [];
    return batch;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      while (!this.#closed) {
        for (const event of await this.take()) yield event;
      }
    } finally {
      this.close();
    }
  }
}
