/**
 * A thin pass-through over an async iterator: each value may be mapped or observed, the end
 * noticed once however it comes (completion, error, `return()` on unsubscribe).
 *
 * Why not an `async function*` that loops `for await … yield`: a subscription sits suspended
 * for its whole life, and each generator layer keeps its generator object, registers, queued
 * request, awaited promises and their closures alive — about a kilobyte per layer per
 * subscription, and a roomEvents subscription had three (metrics, the per-socket count, the
 * tracked envelope). A tap keeps one small object and one pending `then`.
 */
export interface TapHooks<T, U> {
  /** Each value on its way out (the default passes it as is). */
  map?(value: T): U;
  /** The source completed; throwing here ends the stream with that error instead. */
  done?(): void;
  /** Once, however the stream ends. */
  end?(): void;
}

class Tapped<T, U> implements AsyncIterableIterator<U> {
  #ended = false;
  readonly #source: AsyncIterator<T>;

  constructor(
    source: AsyncIterable<T>,
    private readonly hooks: TapHooks<T, U>,
  ) {
    this.#source = source[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<U>> {
    return this.#source.next().then(
      (result) => {
        if (!result.done) {
          const { map } = this.hooks;
          return { done: false, value: map ? map(result.value) : (result.value as unknown as U) };
        }
        try {
          this.hooks.done?.();
        } finally {
          this.#end();
        }
        return { done: true, value: undefined };
      },
      (error: unknown) => {
        this.#end();
        throw error;
      },
    );
  }

  async return(): Promise<IteratorResult<U>> {
    this.#end();
    await this.#source.return?.();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<U>> {
    await this.return();
    throw error;
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.hooks.end?.();
  }
}

export function tap<T, U = T>(
  source: AsyncIterable<T>,
  hooks: TapHooks<T, U>,
): AsyncIterableIterator<U> {
  return new Tapped(source, hooks);
}
