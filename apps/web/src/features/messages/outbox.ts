import type { MessageView } from '@parley/api-contract';
import { useSyncExternalStore } from 'react';

/**
 * The outbox: every message I write goes through it, one ordered queue per room. It sends the
 * head of each queue, one at a time, so a room gets my messages in the order I wrote them (the
 * server commits them in the order they arrive). It is kept in storage under my user id, so
 * what I wrote offline survives a reload and goes out, once (the clientId makes a resend safe),
 * when the connection is back. A message the server refuses stays, failed, with Retry and
 * Discard; the ones after it in that room wait for it, so the order still holds.
 */

/** A message as the outbox keeps it (and stores it). */
export interface OutboxEntry {
  clientId: string;
  roomId: string;
  body: string;
  replyTo: MessageView['replyTo'];
  replyToId: string | undefined;
  /** A reply in this thread (its root's id); unset for the room's own list. */
  threadId?: string | undefined;
  createdAt: string;
  /** Why the server refused it; unset while it is still to be sent. */
  failed?: string | undefined;
}

/** A message of mine the server has not confirmed yet, as the list shows it. */
export interface PendingMessage {
  clientId: string;
  roomId: string;
  body: string;
  replyTo: MessageView['replyTo'];
  replyToId: string | undefined;
  threadId?: string | undefined;
  createdAt: string;
  /** sending: on its way or next in line; waiting: held (offline, or behind a failed one). */
  status: 'sending' | 'waiting' | 'failed';
  /** For failed: why, said so that I know what to do. For waiting: what it waits for. */
  error?: string | undefined;
}

/** What one send attempt came to. `retry`: no answer (offline, server down); try again later. */
export type SendOutcome =
  | { ok: true; message: MessageView }
  | { ok: false; retry: true }
  | { ok: false; retry: false; error: string };

export type Sender = (entry: OutboxEntry) => Promise<SendOutcome>;

/** Where the outbox is kept between page loads. */
export interface OutboxStorage {
  load(userId: string): OutboxEntry[];
  save(userId: string, entries: readonly OutboxEntry[]): void;
  remove(userId: string): void;
}

export const WAITING_FOR_CONNECTION = 'Waiting for the connection…';
export const WAITING_FOR_EARLIER = 'Waiting for the message above…';

type Listener = () => void;
type SentListener = (message: MessageView) => void;
const EMPTY: PendingMessage[] = [];

export class Outbox {
  private userId: string | null = null;
  private sender: Sender | null = null;
  /** Bumped on open/close: answers to sends of an earlier session are ignored. */
  private generation = 0;
  private byRoom = new Map<string, OutboxEntry[]>();
  /** Rooms whose head is on its way. */
  private inFlight = new Map<string, string>();
  /** A send got no answer: nothing more is sent until `resume()`. */
  private offline = false;
  private views = new Map<string, PendingMessage[]>();
  private threadViews = new WeakMap<PendingMessage[], Map<string | null, PendingMessage[]>>();
  private listeners = new Set<Listener>();
  private sentListeners = new Map<string, Set<SentListener>>();

  constructor(private readonly storage: OutboxStorage | null = null) {}

  /** Starts sending as `userId`, from what was kept for them. */
  open(userId: string, sender: Sender): void {
    this.reset();
    this.userId = userId;
    this.sender = sender;
    for (const entry of this.storage?.load(userId) ?? []) {
      this.byRoom.set(entry.roomId, [...(this.byRoom.get(entry.roomId) ?? []), entry]);
    }
    this.changed();
    this.pumpAll();
  }

  /** Stops and forgets what is in memory (signed out, or another account): storage stays. */
  close(): void {
    this.reset();
    this.changed();
  }

  /** Deletes what is kept for `userId` (they signed out on purpose), and closes if current. */
  forget(userId: string): void {
    this.storage?.remove(userId);
    if (this.userId === userId) this.close();
  }

  get isOffline(): boolean {
    return this.offline;
  }

  /** Everything unsent, in every room (oldest first within a room). */
  entries(): OutboxEntry[] {
    return [...this.byRoom.values()].flat();
  }

  /**
   * My unconfirmed messages in a room's list (`threadId` null) or in one of its threads. Thread
   * replies share the room's queue (one order per room), each list shows its own.
   */
  get = (roomId: string, threadId: string | null = null): PendingMessage[] => {
    const all = this.views.get(roomId) ?? EMPTY;
    if (threadId === null && all.every((p) => !p.threadId)) return all;
    // Memoised per view, so the same array comes back until the room's queue changes.
    let byThread = this.threadViews.get(all);
    if (!byThread) {
      byThread = new Map();
      this.threadViews.set(all, byThread);
    }
    let list = byThread.get(threadId);
    if (!list) {
      list = all.filter((p) => (p.threadId ?? null) === threadId);
      if (list.length === 0) list = EMPTY;
      byThread.set(threadId, list);
    }
    return list;
  };

  /** Queues a message I wrote. */
  add(entry: OutboxEntry): void {
    const { failed: _, ...fresh } = entry;
    this.byRoom.set(entry.roomId, [...this.list(entry.roomId), fresh]);
    this.changed(entry.roomId);
    this.pump(entry.roomId);
  }

  /** Sends a failed message again (in its place: the ones after it wait for it). */
  retry(roomId: string, clientId: string): void {
    if (!this.patch(roomId, clientId, { failed: undefined })) return;
    this.changed(roomId);
    this.pump(roomId);
  }

  discard(roomId: string, clientId: string): void {
    this.confirm(roomId, [clientId]);
  }

  /** The server has these (seen in the room's events): they leave the outbox. */
  confirm(roomId: string, clientIds: Iterable<string>): void {
    const done = new Set(clientIds);
    const list = this.list(roomId);
    const left = list.filter((e) => !done.has(e.clientId));
    if (left.length === list.length) return;
    this.setList(roomId, left);
    this.changed(roomId);
    this.pump(roomId);
  }

  /** The connection is back (or may be): send what waits. */
  resume(): void {
    if (!this.offline) return;
    this.offline = false;
    this.changed();
    this.pumpAll();
  }

  /** Called with the server's copy of each message this outbox sends into `roomId`. */
  onSent(roomId: string, listener: SentListener): () => void {
    const set = this.sentListeners.get(roomId) ?? new Set();
    set.add(listener);
    this.sentListeners.set(roomId, set);
    return () => set.delete(listener);
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private reset(): void {
    this.generation++;
    this.userId = null;
    this.sender = null;
    this.byRoom.clear();
    this.inFlight.clear();
    this.offline = false;
  }

  private list(roomId: string): OutboxEntry[] {
    return this.byRoom.get(roomId) ?? [];
  }

  private setList(roomId: string, list: OutboxEntry[]): void {
    if (list.length > 0) this.byRoom.set(roomId, list);
    else this.byRoom.delete(roomId);
  }

  private patch(roomId: string, clientId: string, patch: Partial<OutboxEntry>): boolean {
    const list = this.list(roomId);
    if (!list.some((e) => e.clientId === clientId)) return false;
    this.setList(
      roomId,
      list.map((e) => (e.clientId === clientId ? { ...e, ...patch } : e)),
    );
    return true;
  }

  private pumpAll(): void {
    for (const roomId of [...this.byRoom.keys()]) this.pump(roomId);
  }

  /** Sends the head of a room's queue, then the next, until it is empty or held. */
  private pump(roomId: string): void {
    const head = this.list(roomId)[0];
    const send = this.sender;
    if (!head || !send || head.failed || this.offline || this.inFlight.has(roomId)) return;
    const generation = this.generation;
    this.inFlight.set(roomId, head.clientId);
    this.changed(roomId);
    const settle = (outcome: SendOutcome) => {
      if (generation !== this.generation) return;
      this.inFlight.delete(roomId);
      if (outcome.ok) {
        for (const l of this.sentListeners.get(roomId) ?? []) l(outcome.message);
        this.confirm(roomId, [head.clientId]);
      } else if (outcome.retry) {
        this.offline = true;
        this.changed();
      } else {
        this.patch(roomId, head.clientId, { failed: outcome.error });
        this.changed(roomId);
      }
      this.pump(roomId);
    };
    send(head).then(settle, () => settle({ ok: false, retry: true }));
  }

  /** Recomputes what the list shows for `roomId` (every room without one), stores, tells. */
  private changed(roomId?: string): void {
    const rooms = roomId ? [roomId] : new Set([...this.byRoom.keys(), ...this.views.keys()]);
    for (const id of rooms) {
      const list = this.list(id);
      if (list.length === 0) this.views.delete(id);
      else this.views.set(id, this.view(id, list));
    }
    if (this.userId) this.storage?.save(this.userId, this.entries());
    for (const l of this.listeners) l();
  }

  private view(roomId: string, list: OutboxEntry[]): PendingMessage[] {
    const sending = this.inFlight.get(roomId);
    let blocked = false;
    return list.map(({ failed, ...entry }): PendingMessage => {
      if (failed) {
        blocked = true;
        return { ...entry, status: 'failed', error: failed };
      }
      if (blocked) return { ...entry, status: 'waiting', error: WAITING_FOR_EARLIER };
      if (this.offline && entry.clientId !== sending) {
        return { ...entry, status: 'waiting', error: WAITING_FOR_CONNECTION };
      }
      return { ...entry, status: 'sending' };
    });
  }
}

/** The outbox kept in localStorage, one key per user. Unreadable or foreign data is dropped. */
export const localOutboxStorage: OutboxStorage = {
  load(userId) {
    try {
      const raw = localStorage.getItem(storageKey(userId));
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  },
  save(userId, entries) {
    try {
      if (entries.length === 0) localStorage.removeItem(storageKey(userId));
      else localStorage.setItem(storageKey(userId), JSON.stringify(entries));
    } catch {
      // Storage full or disabled: the outbox still works for this page.
    }
  },
  remove(userId) {
    try {
      localStorage.removeItem(storageKey(userId));
    } catch {
      // nothing kept, nothing to remove
    }
  },
};

function storageKey(userId: string): string {
  return `parley.outbox.v1.${userId}`;
}

function isEntry(value: unknown): value is OutboxEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.clientId === 'string' &&
    typeof e.roomId === 'string' &&
    typeof e.body === 'string' &&
    typeof e.createdAt === 'string' &&
    (e.replyToId === undefined || typeof e.replyToId === 'string') &&
    (e.threadId === undefined || typeof e.threadId === 'string') &&
    (e.replyTo === null || typeof e.replyTo === 'object') &&
    (e.failed === undefined || typeof e.failed === 'string')
  );
}

export const outbox = new Outbox(typeof localStorage === 'undefined' ? null : localOutboxStorage);

/** My unconfirmed messages in a room's list (or in one of its threads), in the order I wrote them. */
export function usePending(roomId: string, threadId: string | null = null): PendingMessage[] {
  return useSyncExternalStore(outbox.subscribe, () => outbox.get(roomId, threadId));
}

export function newClientId(): string {
  // getRandomValues works outside secure contexts too (randomUUID does not).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
