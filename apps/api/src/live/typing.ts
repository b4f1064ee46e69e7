import type { UserRef } from '@parley/api-contract/schemas';
import type { RedisTypingStore } from '../cluster/typing-store.js';
import type { EventPublisher } from '../events/publisher.js';

/**
 * "Ana is typing…": on while signals keep coming, off `ttlMs` after the last one or on send.
 * In a cluster the state is in Redis (cluster/typing-store.ts), since a user's signals may
 * reach any node; this node keeps a timer for the signals it received, and sweeps Redis for
 * deadlines whose node died before its timer ran out (cluster/typing-store.ts). While Redis is
 * away each node falls back to its own state.
 */
export class TypingTracker {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Who is typing, by room (this node's view). */
  readonly #typing = new Map<string, Map<string, UserRef>>();
  readonly #sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly events: EventPublisher,
    private readonly ttlMs: number,
    private readonly store?: RedisTypingStore,
  ) {
    if (store) {
      // A stop whose node died is announced at most this long after its deadline.
      this.#sweeper = setInterval(() => this.#sweep(), Math.min(1_000, Math.max(100, ttlMs / 4)));
      this.#sweeper.unref();
    }
  }

  #sweep(): void {
    this.store?.sweep().then(
      (stops) => {
        for (const { roomId, user } of stops) {
          this.#forget(roomId, user.id);
          this.events.typingChanged(roomId, user, false);
        }
      },
      () => {}, // Redis away: each node's own timers stand in (see #expire).
    );
  }

  touch(roomId: string, user: UserRef): void {
    const key = `${roomId}:${user.id}`;
    const timer = this.#timers.get(key);
    if (timer) timer.refresh();
    else {
      this.#timers.set(
        key,
        setTimeout(() => this.#expire(roomId, user), this.ttlMs),
      );
      let room = this.#typing.get(roomId);
      if (!room) {
        room = new Map();
        this.#typing.set(roomId, room);
      }
      room.set(user.id, user);
      if (!this.store) this.events.typingChanged(roomId, user, true);
    }
    this.store?.touch(roomId, user, Date.now() + this.ttlMs).then(
      (started) => started && this.events.typingChanged(roomId, user, true),
      () => !timer && this.events.typingChanged(roomId, user, true),
    );
  }

  #forget(roomId: string, userId: string): boolean {
    const key = `${roomId}:${userId}`;
    const timer = this.#timers.get(key);
    if (!timer) return false;
    clearTimeout(timer);
    this.#timers.delete(key);
    const room = this.#typing.get(roomId);
    room?.delete(userId);
    if (room?.size === 0) this.#typing.delete(roomId);
    return true;
  }

  #expire(roomId: string, user: UserRef): void {
    if (!this.store) {
      this.stop(roomId, user);
      return;
    }
    this.store.expire(roomId, user.id).then(
      (until) => {
        const key = `${roomId}:${user.id}`;
        if (until > 0 && this.#timers.has(key)) {
          // Refreshed through another node: wait for that.
          const wait = Math.max(50, until - Date.now());
          this.#timers.set(
            key,
            setTimeout(() => this.#expire(roomId, user), wait),
          );
          return;
        }
        this.#forget(roomId, user.id);
        if (until === 0) this.events.typingChanged(roomId, user, false);
      },
      () => {
        if (this.#forget(roomId, user.id)) this.events.typingChanged(roomId, user, false);
      },
    );
  }

  stop(roomId: string, user: UserRef): void {
    const known = this.#forget(roomId, user.id);
    if (!this.store) {
      if (known) this.events.typingChanged(roomId, user, false);
      return;
    }
    this.store.stop(roomId, user.id).then(
      (ended) => ended && this.events.typingChanged(roomId, user, false),
      () => known && this.events.typingChanged(roomId, user, false),
    );
  }

  async typingIn(roomId: string): Promise<UserRef[]> {
    const here = [...(this.#typing.get(roomId)?.values() ?? [])];
    if (!this.store) return here;
    try {
      return await this.store.typingIn(roomId);
    } catch {
      return here;
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#typing.clear();
  }
}
