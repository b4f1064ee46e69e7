import type { UserRef } from '@parley/api-contract/schemas';
import type { EventPublisher } from '../events/publisher.js';

/** "Ana is typing…": on while signals keep coming, off `ttlMs` after the last one or on send. */
export class TypingTracker {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Who is typing, by room. */
  readonly #typing = new Map<string, Map<string, UserRef>>();

  constructor(
    private readonly events: EventPublisher,
    private readonly ttlMs: number,
  ) {}

  touch(roomId: string, user: UserRef): void {
    const key = `${roomId}:${user.id}`;
    const timer = this.#timers.get(key);
    if (timer) timer.refresh();
    else {
      this.#timers.set(
        key,
        setTimeout(() => this.stop(roomId, user), this.ttlMs),
      );
      let room = this.#typing.get(roomId);
      if (!room) {
        room = new Map();
        this.#typing.set(roomId, room);
      }
      room.set(user.id, user);
      this.events.typingChanged(roomId, user, true);
    }
  }

  stop(roomId: string, user: UserRef): void {
    const key = `${roomId}:${user.id}`;
    const timer = this.#timers.get(key);
    if (!timer) return;
    clearTimeout(timer);
    this.#timers.delete(key);
    const room = this.#typing.get(roomId);
    room?.delete(user.id);
    if (room?.size === 0) this.#typing.delete(roomId);
    this.events.typingChanged(roomId, user, false);
  }

  typingIn(roomId: string): UserRef[] {
    return [...(this.#typing.get(roomId)?.values() ?? [])];
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#typing.clear();
  }
}
