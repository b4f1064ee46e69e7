import type { RedisLink } from '../cluster/redis.js';
import type { Bus, Listener, SubscribeOptions, Subscription, Topic, Topics } from './bus.js';
import { eventJson, withEventJson } from './encoder.js';
import { MemoryBus } from './memory-bus.js';

export interface RedisBusOptions {
  link: RedisLink;
  /** This node's id: a node skips its own messages coming back from Redis. */
  nodeId: string;
  /** Tests only: runs before a SUBSCRIBE is sent, so its acknowledgement comes late. */
  beforeSubscribe?: (channel: string) => Promise<void>;
}

interface Channel {
  topic: Topic;
  key: string;
  listeners: number;
  ready: Promise<void>;
  resumes: Set<() => void>;
}

/** What a node publishes on a channel it could not reach Redis for, once Redis is back. */
const RESYNC = 'resync';
const RESOLVED = Promise.resolve();
/** A SUBSCRIBE that has had no answer by then is treated as lost to an outage. */
const SUBSCRIBE_TIMEOUT_MS = 5_000;

/**
 * The bus across nodes. Local subscribers are served by a MemoryBus, the same fast path as on
 * one node (and the only one while Redis is away). Each "topic:key" with local subscribers is
 * one Redis channel subscription, however many subscribers share it. A publish is delivered
 * locally as is, and encoded once (JSON) for Redis and the local subscribers' frames alike
 * (live/encoder.ts `eventJson`); each other node decodes it once (its fan-out orders by
 * position) and hands that object, with the received string as its JSON, to all its
 * subscribers, whose frames splice the string in: one encoding per publish in the cluster.
 *
 * Redis delivery is at-most-once. A break is made good from the database: when the
 * connections are back, every channel is subscribed again and its subscribers' `onResume`
 * runs (room feeds re-read from their last position), and a node whose publishes failed
 * meanwhile tells the channels it missed to resync as well.
 */
export class RedisBus implements Bus {
  readonly #local = new MemoryBus();
  readonly #channels = new Map<string, Channel>();
  /** Channels this node could not publish to while Redis was away. */
  readonly #missed = new Set<string>();
  readonly #link: RedisLink;
  readonly #nodeId: string;
  readonly #beforeSubscribe: RedisBusOptions['beforeSubscribe'];
  readonly #offUp: () => void;
  readonly #onMessage = (channel: string, message: string) => this.#receive(channel, message);

  constructor(options: RedisBusOptions) {
    this.#link = options.link;
    this.#nodeId = options.nodeId;
    this.#beforeSubscribe = options.beforeSubscribe;
    this.#link.subscriber.on('message', this.#onMessage);
    this.#offUp = this.#link.onUp(() => void this.#resume());
  }

  #name(topic: Topic, key: string): string {
    return `${this.#link.prefix}bus:${topic}:${key}`;
  }

  publish<T extends Topic>(topic: T, key: string, event: Topics[T]): void {
    this.#local.publish(topic, key, event);
    const channel = this.#name(topic, key);
    if (this.#link.command.status !== 'ready') {
      this.#missed.add(channel);
      return;
    }
    this.#link.command
      .publish(channel, `${this.#nodeId} ${eventJson(event)}`)
      .catch(() => this.#missed.add(channel));
  }

  #receive(name: string, message: string): void {
    const channel = this.#channels.get(name);
    if (!channel) return;
    const space = message.indexOf(' ');
    if (message.slice(0, space) === this.#nodeId) return;
    const body = message.slice(space + 1);
    if (body === RESYNC) {
      this.#resumeChannel(channel);
      return;
    }
    let event: Topics[Topic];
    try {
      event = withEventJson(JSON.parse(body), body);
    } catch {
      return;
    }
    this.#local.publish(channel.topic, channel.key, event as never);
  }

  subscribe<T extends Topic>(
    topic: T,
    key: string,
    listener: Listener<T>,
    options: SubscribeOptions = {},
  ): Subscription {
    const unsubscribeLocal = this.#local.subscribe(topic, key, listener);
    const name = this.#name(topic, key);
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = { topic, key, listeners: 0, ready: RESOLVED, resumes: new Set() };
      this.#channels.set(name, channel);
      channel.ready = this.#subscribeRemote(name);
    }
    const current = channel;
    current.listeners++;
    const { onResume } = options;
    if (onResume) current.resumes.add(onResume);
    let active = true;
    const unsubscribe = () => {
      if (!active) return;
      active = false;
      unsubscribeLocal();
      if (onResume) current.resumes.delete(onResume);
      if (--current.listeners > 0) return;
      this.#channels.delete(name);
      if (this.#link.subscriber.status === 'ready')
        this.#link.subscriber.unsubscribe(name).catch(() => {});
    };
    return Object.assign(unsubscribe, { ready: current.ready });
  }

  /** Resolves once Redis acknowledged the SUBSCRIBE, or at once while it is away. */
  async #subscribeRemote(name: string): Promise<void> {
    if (this.#link.subscriber.status !== 'ready') return; // subscribed, and resumed, on return
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.#beforeSubscribe?.(name);
      if (!this.#channels.has(name)) return;
      await Promise.race([
        this.#link.subscriber.subscribe(name),
        new Promise((resolve) => {
          timer = setTimeout(resolve, SUBSCRIBE_TIMEOUT_MS);
        }),
      ]);
    } catch {
      // Redis went away meanwhile: the channel is subscribed again, and resumed, on return.
    } finally {
      clearTimeout(timer);
    }
  }

  #resumeChannel(channel: Channel): void {
    for (const resume of channel.resumes) {
      try {
        resume();
      } catch {
        // One faulty subscriber must not stop the rest.
      }
    }
  }

  /** Redis is back: subscribe every channel again, then have subscribers read what they missed. */
  async #resume(): Promise<void> {
    const names = [...this.#channels.keys()];
    try {
      if (names.length > 0) await this.#link.subscriber.subscribe(...names);
    } catch {
      return; // down again: this runs once more when it is back
    }
    for (const name of names) {
      const channel = this.#channels.get(name);
      if (channel) this.#resumeChannel(channel);
    }
    const missed = [...this.#missed];
    this.#missed.clear();
    for (const name of missed) {
      this.#link.command
        .publish(name, `${this.#nodeId} ${RESYNC}`)
        .catch(() => this.#missed.add(name));
    }
  }

  listenerCount(): number {
    return this.#local.listenerCount();
  }

  async close(): Promise<void> {
    this.#offUp();
    this.#link.subscriber.off('message', this.#onMessage);
    this.#channels.clear();
    await this.#local.close();
  }
}
