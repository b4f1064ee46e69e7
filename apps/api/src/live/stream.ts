/**
 * A push-to-pull adapter: listeners push events, an async generator pulls them. `close`
 * ends the stream; the signal (tRPC's, aborted when the client goes) ends it too.
 */
export class EventStream<T> {
  #queue: T[] = [];
  #wake: (() => void) | null = null;
  #closed = false;
  #cleanups: Array<() => void> = [];

  constructor(signal?: AbortSignal) {
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
    this.#queue.push(event);
    this.#wake?.();
  };

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#wake?.();
  }

  /** Waits for the next batch; empty once closed. */
  async take(): Promise<T[]> {
    while (this.#queue.length === 0 && !this.#closed) {
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
