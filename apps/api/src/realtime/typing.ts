import type { UserRef } from '@parley/api-contract/schemas';
import type { Bus } from './bus.js';

/** "Ana is typing…": on while signals keep coming, off `ttlMs` after the last one or on send. */
export class TypingTracker {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly bus: Bus,
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
      this.bus.publish('activity', roomId, { type: 'typing', user, typing: true });
    }
  }

  stop(roomId: string, user: UserRef): void {
    const key = `${roomId}:${user.id}`;
    const timer = this.#timers.get(key);
    if (!timer) return;
    clearTimeout(timer);
    this.#timers.delete(key);
    this.bus.publish('activity', roomId, { type: 'typing', user, typing: false });
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
