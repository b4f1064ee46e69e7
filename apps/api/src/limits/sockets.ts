import { TRPCError } from '@trpc/server';
import { WebSocket } from 'ws';

/** What one WebSocket connection may hold at once; shared by every call on the socket. */
export interface SocketState {
  ws: WebSocket;
  subscriptions: number;
  inFlight: number;
}

/** What runs when a socket closes, by socket: one 'close' listener per socket, however many ask. */
const closers = new WeakMap<WebSocket, Array<(code: number) => void>>();

function runClosers(this: WebSocket, code: number): void {
  const list = closers.get(this);
  closers.delete(this);
  if (list) for (const fn of list) fn(code);
}

/**
 * Runs `fn` once when the socket closes; the returned function cancels it. Each `once('close')`
 * costs a socket a listener wrapper, a bound function and their property tables (~250 bytes),
 * and a socket had six of them, one more per subscription.
 */
export function onSocketClose(ws: WebSocket, fn: (code: number) => void): () => void {
  let list = closers.get(ws);
  if (!list) {
    list = [];
    closers.set(ws, list);
    ws.on('close', runClosers);
  }
  list.push(fn);
  const mine = list;
  return () => {
    const at = mine.indexOf(fn);
    if (at >= 0) mine.splice(at, 1);
  };
}

/** 4429: this account has too many sockets open; close one (another tab) and retry. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

/**
 * Enforces the buffered-bytes cap when a frame is queued rather than by sampling: every send
 * (tRPC's responses, subscription data, pings) first checks what is already queued, and a
 * frame that would take the socket past `maxBufferedBytes` is not queued; the socket is
 * dropped instead, and its client resumes from its last event id.
 */
export function guardSends(ws: WebSocket, maxBufferedBytes: number, onOverflow: () => void) {
  const send = ws.send.bind(ws);
  const guarded = ((data: Parameters<WebSocket['send']>[0], ...rest: unknown[]) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const size =
      typeof data === 'string'
        ? Buffer.byteLength(data)
        : ((data as { byteLength?: number }).byteLength ?? 0);
    if (ws.bufferedAmount + size > maxBufferedBytes) {
      onOverflow();
      // A close frame would wait behind the full queue: cut the connection now.
      ws.terminate();
      return;
    }
    (send as (...args: unknown[]) => void)(data, ...rest);
  }) as WebSocket['send'];
  ws.send = guarded;
}

/**
 * Resolves once the socket has at most `lowWater` bytes queued (or has closed). A producer
 * that awaits this before each frame (catch-up replay) goes at the reader's pace. It polls:
 * `ws` has no drain event of its own, and a listener per waiting subscription would pile up.
 */
export function whenWritable(ws: WebSocket, lowWater: number, pollMs = 20): Promise<void> {
  const ready = () => ws.bufferedAmount <= lowWater || ws.readyState !== WebSocket.OPEN;
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!ready()) return;
      clearInterval(timer);
      resolve();
    }, pollMs);
  });
}

/** Counts sockets per user, refusing one past `max`. */
export class SocketsPerUser {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts the socket in, or throws (the caller then closes it with 4429). */
  admit(userId: string, ws: WebSocket): void {
    const open = this.#open.get(userId) ?? 0;
    if (open >= this.max) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `This account has ${this.max} connections open, the most allowed. Close one (another tab or program) and try again.`,
      });
    }
    this.#open.set(userId, open + 1);
    onSocketClose(ws, () => {
      const now = (this.#open.get(userId) ?? 1) - 1;
      if (now <= 0) this.#open.delete(userId);
      else this.#open.set(userId, now);
    });
  }
}
