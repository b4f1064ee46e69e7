import type { Db } from '@parley/db';
import type { EventPublisher } from '../events/publisher.js';
import { roomsOf } from '../rooms/members.js';

/**
 * Who is online: a user with at least one authenticated socket on this node. Transitions are
 * announced to every room the user is in. (Several nodes need a shared store: see docs.)
 */
export class PresenceTracker {
  readonly #sockets = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
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
    roomsOf(this.db, userId)
      .then((rooms) => {
        // Still the current state? A quick reconnect may have flipped it back.
        if (this.isOnline(userId) !== online) return;
        this.events.presenceChanged(
          userId,
          online,
          rooms.map((room) => room.id),
        );
      })
      .catch(this.onError);
  }
}
