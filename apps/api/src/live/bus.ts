import type {
  ActivityEvent,
  RevokeReason,
  RoomEvent,
  UserEvent,
} from '@parley/api-contract/schemas';

/**
 * Session or bot token revoked: its sockets, on every node, must close (saying why). A
 * membership ended (left or removed): every node forgets what it had checked of it
 * (rooms/read-marks.ts).
 */
export type AuthEvent =
  | { type: 'session.revoked'; sessionId: string; reason: RevokeReason }
  | { type: 'token.revoked'; tokenId: string; reason: RevokeReason }
  | { type: 'membership.ended'; userId: string; roomId: string };

/** Everything that travels between API nodes, by topic. Keys are room or user ids. */
export interface Topics {
  /** Message events of one room, in position order per publisher. */
  room: RoomEvent;
  /** Presence, typing and "room moved on" notices for one room's members. */
  activity: ActivityEvent | Omit<Extract<UserEvent, { type: 'room.activity' }>, 'roomId'>;
  /** Events for one user: rooms added or removed. */
  user: UserEvent;
  /** Revocations and ended memberships, key '*'. */
  auth: AuthEvent;
}

export type Topic = keyof Topics;
export type Listener<T extends Topic> = (event: Topics[T]) => void;

/** What `subscribe` returns: call it to unsubscribe. */
export interface Subscription {
  (): void;
  /**
   * Resolves once events published on any node reach the listener: at once on one node; in a
   * cluster, when Redis has acknowledged the SUBSCRIBE (or is down, when `onResume` will tell).
   * A subscriber that reads the database for a catch-up awaits it first, or an event committed
   * between the read and the acknowledgement would be lost in a quiet room.
   */
  readonly ready: Promise<void>;
}

export interface SubscribeOptions {
  /**
   * The link between nodes broke and is back: events published on other nodes meanwhile were
   * missed. A subscriber that can re-read them from the database (by position) does.
   */
  onResume?: () => void;
}

/**
 * Publish/subscribe between routers (and, with a Redis implementation, between API nodes).
 * Delivery is at-most-once and best-effort; the database is the source of truth, and
 * subscribers resume from positions in it.
 */
export interface Bus {
  publish<T extends Topic>(topic: T, key: string, event: Topics[T]): void;
  subscribe<T extends Topic>(
    topic: T,
    key: string,
    listener: Listener<T>,
    options?: SubscribeOptions,
  ): Subscription;
  /** How many listeners are attached (for leak tests and metrics). */
  listenerCount(): number;
  close(): Promise<void>;
}

/** The bus as everything but the event publisher sees it. */
export type BusSubscriber = Pick<Bus, 'subscribe' | 'listenerCount'>;
