import { CLOSE_REVOKED } from '@parley/api-contract/limits';
import type { RevokeReason } from '@parley/api-contract/schemas';
import type { WebSocket } from 'ws';
import type { Caller } from '../auth/service.js';
import { onSocketClose } from '../limits/sockets.js';
import type { AuthEvent, BusSubscriber } from './bus.js';

/**
 * Open sockets by the session or bot token that authenticated them, so that revoking one
 * (on any node, through the bus) closes its sockets and so ends their subscriptions.
 */
export class SocketRegistry {
  readonly #byCredential = new Map<string, Set<WebSocket>>();
  /**
   * Credentials revoked in the last minute. A socket whose credentials were checked just
   * before a revocation, and that registers just after it, is closed on arrival.
   */
  readonly #recentlyRevoked = new Map<string, { at: number; reason: RevokeReason }>();
  readonly #unsubscribe: () => void;

  constructor(bus: BusSubscriber) {
    this.#unsubscribe = bus.subscribe('auth', '*', (event) => this.#revoke(event));
  }

  static keyOf(caller: Caller): string {
    return caller.sessionId ? `session:${caller.sessionId}` : `token:${caller.tokenId}`;
  }

  add(caller: Caller, socket: WebSocket): void {
    const key = SocketRegistry.keyOf(caller);
    const revoked = this.#recentlyRevoked.get(key);
    if (revoked) {
      socket.close(CLOSE_REVOKED, revoked.reason);
      return;
    }
    let set = this.#byCredential.get(key);
    if (!set) {
      set = new Set();
      this.#byCredential.set(key, set);
    }
    set.add(socket);
    onSocketClose(socket, () => {
      set.delete(socket);
      if (set.size === 0) this.#byCredential.delete(key);
    });
  }

  #revoke(event: AuthEvent): void {
    if (event.type === 'membership.ended') return;
    const key =
      event.type === 'session.revoked' ? `session:${event.sessionId}` : `token:${event.tokenId}`;
    const now = Date.now();
    for (const [old, { at }] of this.#recentlyRevoked)
      if (now - at > 60_000) this.#recentlyRevoked.delete(old);
    this.#recentlyRevoked.set(key, { at: now, reason: event.reason });
    // The close reason says why, so that a client can tell its person in words.
    for (const socket of this.#byCredential.get(key) ?? []) {
      socket.close(CLOSE_REVOKED, event.reason);
    }
  }

  close(): void {
    this.#unsubscribe();
  }
}
