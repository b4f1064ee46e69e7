import { type Db, memberships } from '@parley/db';
import { eq } from 'drizzle-orm';
import type { Bus } from './bus.js';

/**
 * Who is online: a user with at least one authenticated socket on this node. Transitions are
 * announced to every room the user is in. (Several nodes need a shared store: see docs.)
 */
export class PresenceTracker {
  readonly #sockets = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly bus: Bus,
    private readonly onError: (error: unknown) => void,
  ) {}

  isOnline = (userId: string): boolean => this.#sockets.has(userId);

  connect(userId: string): void {
    const count = this.#sockets.get(userId) ?? 0;
    this.#sockets.set(userId, count + 1);
    if (count === 0) this.#announce(userId, true);
  }

  disconnect(userId: string): void {
    const count = this.#sockets.get(userId) ?? 0;
    if (count <= 1) {
      this.#sockets.delete(userId);
      if (count === 1) this.#announce(userId, false);
    } else {
      this.#sockets.set(userId, count - 1);
    }
  }

  #announce(userId: string, online: boolean): void {
    this.db
      .select({ roomId: memberships.roomId })
      .from(memberships)
      .where(eq(memberships.userId, userId))
      .then((rows) => {
        // Still the current state? A quick reconnect may have flipped it back.
        if (this.isOnline(userId) !== online) return;
        for (const { roomId } of rows) {
          this.bus.publish('activity', roomId, { type: 'presence', userId, online });
        }
      })
      .catch(this.onError);
  }
}
