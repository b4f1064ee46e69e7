import type { Db } from '@parley/db';
import type { RedisPresenceStore } from '../cluster/presence-store.js';
import type { EventPublisher } from '../events/publisher.js';
import { roomsOf } from '../rooms/members.js';

/**
 * Who is online: a user with at least one authenticated socket on some node. Transitions are
 * announced to every room the user is in. This node's sockets are counted here; in a cluster
 * a Redis store (cluster/presence-store.ts) says whether any node holds the user, and its
 * heartbeat and sweep turn the users of a node that died without goodbye offline. While Redis
 * is away, each node answers for its own sockets only, and the next heartbeat repairs the rest.
 */
export class PresenceTracker {
  readonly #sockets = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
    private readonly onError: (error: unknown) => void,
    private readonly store?: RedisPresenceStore,
    heartbeatMs = 10_000,
  ) {
    if (store) {
      this.#timer = setInterval(() => void this.#beat(), heartbeatMs);
      this.#timer.unref();
    }
  }

  /** Whether this node holds a socket of the user. */
  isOnlineHere = (userId: string): boolean => this.#sockets.has(userId);

  /** Which of `userIds` are online on any node. */
  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    const here = userIds.filter(this.isOnlineHere);
    const elsewhere = userIds.filter((id) => !this.#sockets.has(id));
    if (!this.store || elsewhere.length === 0) return new Set(here);
    try {
      const online = await this.store.onlineAmong(elsewhere);
      for (const id of here) online.add(id);
      return online;
    } catch {
      return new Set(here); // Redis away: what this node knows
    }
  }

  async isOnline(userId: string): Promise<boolean> {
    return (await this.onlineAmong([userId])).has(userId);
  }

  connect(userId: string): void {
    const count = this.#sockets.get(userId) ?? 0;
    this.#sockets.set(userId, count + 1);
    if (count > 0) return;
    if (!this.store) {
      this.#announce(userId, true);
      return;
    }
    this.store.add(userId).then(
      (first) => first && this.#announce(userId, true),
      () => this.#announce(userId, true),
    );
  }

  disconnect(userId: string): void {
    const count = this.#sockets.get(userId) ?? 0;
    if (count > 1) {
      this.#sockets.set(userId, count - 1);
      return;
    }
    this.#sockets.delete(userId);
    if (count !== 1) return;
    if (!this.store) {
      this.#announce(userId, false);
      return;
    }
    this.store.remove(userId).then(
      (last) => last && this.#announce(userId, false),
      () => this.#announce(userId, false),
    );
  }

  async #beat(): Promise<void> {
    if (!this.store) return;
    try {
      for (const userId of await this.store.heartbeat([...this.#sockets.keys()]))
        this.#announce(userId, true);
      for (const userId of await this.store.sweep()) this.#announce(userId, false);
    } catch {
      // Redis away (RedisLink logs it once); the next beat tries again.
    }
  }

  /** Heartbeat and sweep now (tests; and when Redis is back). */
  beat(): Promise<void> {
    return this.#beat();
  }

  #announce(userId: string, online: boolean): void {
    roomsOf(this.db, userId)
      .then(async (rooms) => {
        // Still the current state? A quick reconnect may have flipped it back.
        const current = online ? this.isOnlineHere(userId) : !(await this.isOnline(userId));
        if (!current) return;
        this.events.presenceChanged(
          userId,
          online,
          rooms.map((room) => room.id),
        );
      })
      .catch(this.onError);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.store?.leave().catch(() => {});
  }
}
