import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisLinkOptions {
  url: string;
  /** Prepended to every key and channel, so clusters (and tests) can share one Redis. */
  prefix: string;
  log: Logger;
}

/**
 * The node's two connections to Redis: `command` for keys, scripts and PUBLISH, `subscriber`
 * for SUBSCRIBE (a subscribed connection can do nothing else). Neither queues commands while
 * Redis is away: a caller fails at once and falls back (the database is the truth), rather
 * than hanging a send. Both reconnect forever. The outage is logged once when it starts and
 * once when it ends, however many errors the clients raise meanwhile.
 */
export class RedisLink {
  readonly command: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  readonly #log: Logger;
  #down = false;
  #closed = false;
  readonly #onUp = new Set<() => void>();

  constructor(options: RedisLinkOptions) {
    this.prefix = options.prefix;
    this.#log = options.log;
    const common = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      autoResubscribe: false,
      // Back again quickly after a restart, and never give up.
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      connectTimeout: 2_000,
    };
    // Auto-pipelining: the publishes and limiter scripts of one event-loop turn (a send batch,
    // its events) go out in one write, not one syscall and packet each.
    this.command = new Redis(options.url, {
      ...common,
      connectionName: 'parley-command',
      enableAutoPipelining: true,
    });
    this.subscriber = new Redis(options.url, { ...common, connectionName: 'parley-subscriber' });
    for (const client of [this.command, this.subscriber]) {
      // An unhandled 'error' event would crash the process.
      client.on('error', (err: Error) => this.#markDown(err));
      client.on('close', () => this.#markDown());
      client.on('ready', () => this.#maybeUp());
    }
  }

  /** Both connections are usable. */
  get up(): boolean {
    return this.command.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Called each time both connections are ready again (and the first time). */
  onUp(listener: () => void): () => void {
    this.#onUp.add(listener);
    return () => this.#onUp.delete(listener);
  }

  #markDown(err?: Error): void {
    if (this.#closed || this.#down) return;
    if (this.command.status === 'ready' && this.subscriber.status === 'ready' && !err) return;
    this.#down = true;
    this.#log.warn(
      { err: err?.message },
      'Redis unreachable: live delivery between nodes paused (sends still persist)',
    );
  }

  #maybeUp(): void {
    if (this.#closed || !this.up) return;
    if (this.#down) this.#log.info('Redis is back: resuming live delivery between nodes');
    this.#down = false;
    for (const listener of this.#onUp) {
      try {
        listener();
      } catch (err) {
        this.#log.error({ err }, 'Redis reconnect handler failed');
      }
    }
  }

  /** Resolves when both connections are ready, or after `timeoutMs` (then `up` is false). */
  async waitUntilUp(timeoutMs: number): Promise<boolean> {
    if (this.up) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.onUp(() => {
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  /** Readiness: answers a PING, or throws. */
  async ping(): Promise<void> {
    if (!this.up) throw new Error('unreachable');
    await this.command.ping();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#onUp.clear();
    await Promise.all(
      [this.command, this.subscriber].map((client) =>
        client.quit().catch(() => client.disconnect()),
      ),
    );
  }
}
