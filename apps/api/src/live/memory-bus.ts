import type { Bus, Listener, Subscription, Topic, Topics } from './bus.js';

type AnyListener = (event: unknown) => void;

const READY = Promise.resolve();

/**
 * The single-node bus: a map from "topic:key" to a set of listeners. Publishing walks one
 * set; a subscriber costs one set entry, so fan-out to a busy room stays cheap.
 */
export class MemoryBus implements Bus {
  readonly #channels = new Map<string, Set<AnyListener>>();
  #count = 0;

  publish<T extends Topic>(topic: T, key: string, event: Topics[T]): void {
    const listeners = this.#channels.get(`${topic}:${key}`);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // One faulty listener must not stop delivery to the rest.
      }
    }
  }

  subscribe<T extends Topic>(topic: T, key: string, listener: Listener<T>): Subscription {
    const channel = `${topic}:${key}`;
    let listeners = this.#channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.#channels.set(channel, listeners);
    }
    const entry = listener as AnyListener;
    listeners.add(entry);
    this.#count++;
    let active = true;
    const unsubscribe = () => {
      if (!active) return;
      active = false;
      this.#count--;
      listeners.delete(entry);
      if (listeners.size === 0) this.#channels.delete(channel);
    };
    // One process: every publisher is here, so the subscription is live at once.
    return Object.assign(unsubscribe, { ready: READY });
  }

  listenerCount(): number {
    return this.#count;
  }

  async close(): Promise<void> {
    this.#channels.clear();
    this.#count = 0;
  }
}
