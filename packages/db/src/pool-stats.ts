/**
 * Connection use, counted at the driver boundary: neither postgres.js nor PGlite reports how
 * many connections are busy or how many queries wait for one, so every query and transaction
 * the database object starts is counted until it settles. A transaction holds one connection
 * throughout and its own queries go through the transaction's client, so each counts once.
 */
export interface PoolStats {
  /** Connections the pool may open (PGlite: 1, it runs one query at a time). */
  size: number;
  /** Queries and transactions started and not settled, waiting ones included. */
  inFlight: number;
  /** Of those, holding a connection: min(inFlight, size). */
  inUse: number;
  /** Of those, waiting for a connection: inFlight − size when positive (PGlite: its queue). */
  waiting: number;
}

export class InFlight {
  private count = 0;

  constructor(private readonly size: number) {}

  stats(): PoolStats {
    return {
      size: this.size,
      inFlight: this.count,
      inUse: Math.min(this.count, this.size),
      waiting: Math.max(0, this.count - this.size),
    };
  }

  /** Counts a promise from now until it settles. */
  around<T>(promise: Promise<T>): Promise<T> {
    this.count++;
    return promise.finally(() => {
      this.count--;
    });
  }

  /**
   * Counts a lazy thenable (a postgres.js query runs when first awaited) from its first `then`
   * until it settles, and returns the same object (callers chain `.values()` and the like).
   */
  lazy<Q extends PromiseLike<unknown>>(query: Q): Q {
    const then = query.then;
    let counted = false;
    Object.defineProperty(query, 'then', {
      configurable: true,
      writable: true,
      value: (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) => {
        if (counted) return then.call(query, onFulfilled, onRejected);
        counted = true;
        this.count++;
        const settle = () => {
          this.count--;
        };
        return then.call(
          query,
          (value) => {
            settle();
            return onFulfilled ? onFulfilled(value) : value;
          },
          (error: unknown) => {
            settle();
            if (onRejected) return onRejected(error);
            throw error;
          },
        );
      },
    });
    return query;
  }
}

type AnyFunction = (...args: never[]) => unknown;

/**
 * `client` with `counted` methods passed through `count`; every other member as it is, its
 * functions bound to the client (PGlite's methods use private fields, which a proxy lacks).
 */
export function countingClient<C extends object>(
  client: C,
  counted: Partial<Record<keyof C, (result: unknown) => unknown>>,
): C {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const count = counted[prop as keyof C];
      const fn = value as AnyFunction;
      if (!count) return fn.bind(target);
      return (...args: never[]) => count(fn.apply(target, args));
    },
  });
}
