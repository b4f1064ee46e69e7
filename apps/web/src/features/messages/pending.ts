import type { MessageView } from '@parley/api-contract';
import { useSyncExternalStore } from 'react';

/** A message typed here that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  roomId: string;
  body: string;
  replyTo: MessageView['replyTo'];
  replyToId: string | undefined;
  createdAt: string;
  status: 'sending' | 'failed';
  error?: string;
}

type Listener = () => void;
const EMPTY: PendingMessage[] = [];

/** Pending and failed sends per room; they outlive the room view so switching rooms keeps them. */
export class PendingStore {
  private byRoom = new Map<string, PendingMessage[]>();
  private listeners = new Set<Listener>();

  get = (roomId: string): PendingMessage[] => this.byRoom.get(roomId) ?? EMPTY;

  upsert(message: PendingMessage): void {
    const list = this.get(message.roomId).filter((m) => m.clientId !== message.clientId);
    this.byRoom.set(message.roomId, [...list, message]);
    this.emit();
  }

  update(roomId: string, clientId: string, patch: Partial<PendingMessage>): void {
    const list = this.get(roomId);
    if (!list.some((m) => m.clientId === clientId)) return;
    this.byRoom.set(
      roomId,
      list.map((m) => (m.clientId === clientId ? { ...m, ...patch } : m)),
    );
    this.emit();
  }

  /** The server confirmed these clientIds (by reply or by a live event). */
  reconcile(roomId: string, clientIds: Iterable<string>): void {
    const done = new Set(clientIds);
    const list = this.get(roomId);
    const left = list.filter((m) => !done.has(m.clientId));
    if (left.length === list.length) return;
    this.byRoom.set(roomId, left);
    this.emit();
  }

  remove(roomId: string, clientId: string): void {
    this.reconcile(roomId, [clientId]);
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const pendingStore = new PendingStore();

export function usePending(roomId: string): PendingMessage[] {
  return useSyncExternalStore(pendingStore.subscribe, () => pendingStore.get(roomId));
}

export function newClientId(): string {
  // getRandomValues works outside secure contexts too (randomUUID does not).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
