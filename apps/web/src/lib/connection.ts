import { CLOSE_REVOKED } from '@parley/api-contract/limits';
import { createWSClient } from '@trpc/client';
import { useEffect, useRef, useSyncExternalStore } from 'react';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

type Listener = () => void;

/**
 * The WebSocket used for subscriptions. It is lazy: it opens with the first subscription and
 * carries the session cookie of the moment it opens, so `restart()` after sign-in/out.
 */
export class Socket {
  private revokedListeners = new Set<(reason: string) => void>();
  readonly ws = createWSClient({
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`,
    lazy: { enabled: true, closeMs: 0 },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    // Quick first retries, then at most every 4 s, so coming back online feels immediate.
    retryDelayMs: (attempt) => (attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 4_000)),
    // 4401: the server closed the socket because its session was revoked (signed out elsewhere,
    // password changed, account deactivated) or no longer works; the close reason says which.
    onClose: (cause) => {
      if (cause?.code !== CLOSE_REVOKED) return;
      const reason = 'reason' in cause && typeof cause.reason === 'string' ? cause.reason : '';
      for (const l of this.revokedListeners) l(reason);
    },
  });
  private status: ConnectionStatus = 'idle';
  private listeners = new Set<Listener>();

  constructor() {
    this.ws.connectionState.subscribe({
      next: (s) => {
        if (s.state === 'pending') this.set('online');
        else if (s.state === 'idle') this.set('idle');
        else this.set(s.error ? 'reconnecting' : 'connecting');
      },
    });
    if (typeof window !== 'undefined') {
      // Some networks (and Chromium's offline emulation) leave a dead socket open: drop it so the
      // client reconnects, and resumes every subscription from its last event, once back online.
      window.addEventListener('offline', () => {
        this.set('offline');
        this.drop();
      });
      window.addEventListener('online', () => {
        if (this.status === 'offline') this.set('reconnecting');
        this.drop();
      });
    }
  }

  /** Closes the current socket without ending subscriptions; they resume on the next one. */
  drop(): void {
    const ws = this.ws.connection?.ws;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
  }

  /** Ends the socket and its subscriptions (after sign-in or sign-out). */
  async restart(): Promise<void> {
    await this.ws.close();
  }

  private set(status: ConnectionStatus): void {
    if (status !== 'offline' && typeof navigator !== 'undefined' && !navigator.onLine) {
      status = 'offline';
    }
    if (status === this.status) return;
    this.status = status;
    for (const l of this.listeners) l();
  }

  /**
   * Calls `listener` whenever the server closes the socket because its credentials are gone,
   * with the close reason (the contract's `RevokeReason`, or another text).
   */
  onRevoked(listener: (reason: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  getStatus = (): ConnectionStatus => this.status;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export const socket = new Socket();

export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(socket.subscribe, socket.getStatus);
}

/** Calls `onBack` when the socket is online again after a drop (anything may have changed). */
export function useReconnected(onBack: () => void): void {
  const status = useConnectionStatus();
  const wasDown = useRef(false);
  const callback = useRef(onBack);
  callback.current = onBack;
  useEffect(() => {
    if (status === 'reconnecting' || status === 'offline') wasDown.current = true;
    else if (status === 'online' && wasDown.current) {
      wasDown.current = false;
      callback.current();
    }
  }, [status]);
}
