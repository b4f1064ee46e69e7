import type { RoomEvent } from '@parley/api-contract/schemas';
import type { BusSubscriber, Subscription } from './bus.js';
import { dataFrameTail } from './encoder.js';

/** One reader of a room's events on this node (a live.roomEvents subscription). */
export interface FanoutSubscriber {
  /**
   * The room's next event, in position order; `frame` is its shared wire encoding. True when
   * the subscriber wrote it to its socket itself.
   */
  deliver(event: RoomEvent, frame: SharedFrame): boolean;
  /** The room's feed broke (a gap could not be read): the subscription ends with this error. */
  fail(error: unknown): void;
}

/** An event's tRPC data frame minus the subscription id, encoded once for every subscriber. */
export class SharedFrame {
  #tail: Buffer | undefined;
  /** Whole messages by prefix: subscribers whose prefixes are equal share one buffer. */
  #messages: Map<string, Buffer> | undefined;
  constructor(private readonly event: RoomEvent) {}
  /** The bytes after a subscriber's prefix (live/encoder.ts `dataFramePrefix`). */
  get tail(): Buffer {
    this.#tail ??= Buffer.from(dataFrameTail(String(this.event.position), this.event));
    return this.#tail;
  }
  /**
   * The whole message for a subscriber's prefix. Prefixes differ only in the request id, and
   * clients number their requests from 1, so most subscribers of an event share one buffer:
   * no copy and no allocation per delivery. (Never written to: queued writes hold it.)
   */
  message(prefix: string): Buffer {
    this.#messages ??= new Map();
    let message = this.#messages.get(prefix);
    if (!message) {
      // A room full of distinct ids would grow the map to one entry per subscriber: past a
      // few, each gets its own copy instead.
      message = Buffer.concat([Buffer.from(prefix), this.tail]);
      if (this.#messages.size < 16) this.#messages.set(prefix, message);
    }
    return message;
  }
}

export interface FanoutOptions {
  /** The room's events after a position, oldest first, at most `limit` (messages/replay.ts). */
  read(roomId: string, after: number, limit: number): Promise<RoomEvent[]>;
  /** After each event's fan-out: how many subscribers were written to directly (metrics). */
  onDelivered?(event: RoomEvent, direct: number): void;
  /**
   * How long an event that arrived ahead of a missing one waits for it before the gap is read
   * from the database; 0 waits one turn of the event loop. In a cluster the missing event is
   * usually another node's publish still crossing Redis (a node's own later publish arrives
   * first), which a few milliseconds bring more cheaply than a read.
   */
  gapWaitMs?: number;
}

/** Gap reads are at most this many events; a longer gap takes several. */
const GAP_PAGE = 200;

/**
 * A room's events on this node, in position order and without gaps, for all its subscribers:
 * one bus subscription per room (not per subscriber), and when an event arrives ahead of one
 * still missing (publishers on different nodes race after commit, or the bus dropped one),
 * ONE read of the gap from the database serves every subscriber of the room. Without it each
 * subscriber would read the same gap on its own: hundreds of identical queries per gap.
 */
export class RoomFanout {
  readonly #rooms = new Map<string, RoomChannel>();

  constructor(
    private readonly bus: BusSubscriber,
    private readonly options: FanoutOptions,
  ) {}

  /**
   * Adds a subscriber. Once `ready` resolves, every node's events for the room reach it, so a
   * position read afterwards misses nothing. `leave` removes it.
   */
  join(roomId: string, subscriber: FanoutSubscriber): { leave: () => void; ready: Promise<void> } {
    let channel = this.#rooms.get(roomId);
    if (!channel) {
      const created = new RoomChannel(roomId, this.options);
      created.subscription = this.bus.subscribe('room', roomId, (event) => created.receive(event), {
        onResume: () => created.resync(),
      });
      this.#rooms.set(roomId, created);
      channel = created;
    }
    const joined = channel;
    joined.subscribers.add(subscriber);
    let active = true;
    const leave = () => {
      if (!active) return;
      active = false;
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size === 0) {
        joined.close();
        this.#rooms.delete(roomId);
      }
    };
    return { leave, ready: joined.subscription?.ready ?? Promise.resolve() };
  }

  /**
   * The room's position as a subscriber just read it from the database (after joining): where
   * the room's feed starts if it has not started yet, so that events published out of order
   * at its start are ordered too instead of being read again by every subscriber.
   */
  startAt(roomId: string, position: number): void {
    this.#rooms.get(roomId)?.startAt(position);
  }

  /** The room's last position delivered on this node (null: no subscriber here, or none yet). */
  lastPosition(roomId: string): number | null {
    return this.#rooms.get(roomId)?.last ?? null;
  }

  /** Rooms with at least one subscriber on this node (tests, metrics). */
  get roomCount(): number {
    return this.#rooms.size;
  }
}

class RoomChannel {
  readonly subscribers = new Set<FanoutSubscriber>();
  subscription: Subscription | undefined;
  /** The last position dispatched; unknown until the first event (subscribers mind their own seams). */
  #last: number | null = null;
  /** Events that arrived ahead of a missing one, by position. */
  readonly #ahead = new Map<number, RoomEvent>();
  #reading = false;
  /** While a gap is being waited for (not yet read): ends the wait early once it is filled. */
  #wake: (() => void) | null = null;
  #resyncing = false;
  #closed = false;

  constructor(
    private readonly roomId: string,
    private readonly options: FanoutOptions,
  ) {}

  get last(): number | null {
    return this.#last;
  }

  receive(event: RoomEvent): void {
    if (this.#last === null) {
      // Where the feed starts is not known yet: hold it a moment (startAt, or #fillGap).
      this.#ahead.set(event.position, event);
      void this.#fillGap();
      return;
    }
    if (event.position <= this.#last) return;
    if (event.position === this.#last + 1 && (!this.#reading || this.#wake)) {
      this.#dispatch(event);
      this.#dispatchAhead();
      if (this.#ahead.size === 0) this.#wake?.();
      return;
    }
    this.#ahead.set(event.position, event);
    void this.#fillGap();
  }

  startAt(position: number): void {
    if (this.#last !== null) return;
    this.#last = position;
    for (const held of this.#ahead.keys()) if (held <= position) this.#ahead.delete(held);
    if (!this.#reading) this.#dispatchAhead();
    if (this.#ahead.size > 0) void this.#fillGap();
  }

  /**
   * The link between nodes was down: events from other nodes may be missing. Read on from the
   * last position dispatched to the end of the log, once, for every subscriber.
   */
  resync(): void {
    if (this.#last === null) return;
    this.#resyncing = true;
    void this.#fillGap();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
    this.#ahead.clear();
    this.subscription?.();
  }

  #dispatch(event: RoomEvent): void {
    this.#last = event.position;
    const frame = new SharedFrame(event);
    let direct = 0;
    for (const subscriber of this.subscribers) if (subscriber.deliver(event, frame)) direct++;
    this.options.onDelivered?.(event, direct);
  }

  #dispatchAhead(): void {
    for (let next = this.#ahead.get((this.#last ?? 0) + 1); next; ) {
      this.#ahead.delete(next.position);
      this.#dispatch(next);
      next = this.#ahead.get(next.position + 1);
    }
  }

  async #fillGap(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      // The missing event is usually a moment behind (another node's publish): give it a turn.
      const waitMs = this.options.gapWaitMs ?? 0;
      await new Promise<void>((resolve) => {
        if (waitMs <= 0 || this.#last === null) {
          setImmediate(resolve);
          return;
        }
        const timer = setTimeout(() => this.#wake?.(), waitMs);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
      do {
        if (this.#resyncing && this.#last !== null) {
          this.#resyncing = false;
          await this.#readOn(Number.MAX_SAFE_INTEGER);
        }
        while (!this.#closed && this.#ahead.size > 0) {
          // No subscriber said where the feed starts: it starts at the first event seen.
          this.#last ??= Math.min(...this.#ahead.keys()) - 1;
          const last = this.#last;
          for (const held of this.#ahead.keys()) if (held <= last) this.#ahead.delete(held);
          this.#dispatchAhead();
          if (this.#ahead.size === 0) break;
          const first = Math.min(...this.#ahead.keys());
          await this.#readOn(first - 1);
          // Nothing in the log fills it (cannot happen while positions are gap-free): move on
          // rather than hold the room; subscribers still see the gap and read it themselves.
          if (this.#last === last) this.#last = first - 1;
        }
      } while (this.#resyncing && !this.#closed);
    } catch (error) {
      // The database is away: end these subscriptions with the error; their clients resume
      // from their last event id.
      for (const subscriber of [...this.subscribers]) subscriber.fail(error);
      this.#ahead.clear();
      this.#last = null;
    } finally {
      this.#reading = false;
    }
  }

  /** Reads and dispatches the log after the last position, up to `until` or its end. */
  async #readOn(until: number): Promise<void> {
    while (!this.#closed && this.#last !== null && this.#last < until) {
      const limit = Math.min(until - this.#last, GAP_PAGE);
      const page = await this.options.read(this.roomId, this.#last, limit);
      for (const event of page) {
        if (this.#closed || this.#last === null) return;
        if (event.position === this.#last + 1) this.#dispatch(event);
      }
      if (page.length < limit) return;
    }
  }
}
