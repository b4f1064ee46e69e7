/**
 * The load generator of `pnpm bench`: many sender connections, one account each (for
 * Parley), offering messages at a paced rate (open loop: a slow reply does not slow the
 * offered rate, as with real users). Each send resolves with the server's answer: accepted,
 * or refused with an error code.
 */
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { type CallResult, TrpcSocket } from './wire.js';

export interface Sender {
  send(body: string, clientId: string): Promise<CallResult>;
  close(): void;
}

export type ServerKind = 'parley' | 'socketio' | 'ws';

function parleySender(
  url: string,
  token: string,
  roomId: string,
): Sender & { opened: Promise<void> } {
  const socket = new TrpcSocket(`${url}/trpc`, token);
  return {
    opened: socket.opened,
    send: (body, clientId) => socket.call('mutation', 'messages.send', { roomId, body, clientId }),
    close: () => socket.close(),
  };
}

function socketIoSender(url: string): Sender & { opened: Promise<void> } {
  const socket = io(url, { transports: ['websocket'], reconnection: false });
  return {
    opened: new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
    send: (body, clientId) =>
      new Promise((resolve) => {
        socket.emit('send', { body, clientId }, (data: unknown) => resolve({ ok: true, data }));
      }),
    close: () => void socket.disconnect(),
  };
}

function wsSender(url: string): Sender & { opened: Promise<void> } {
  const ws = new WebSocket(`${url}/send`, { perMessageDeflate: false });
  const pending = new Map<number, (r: CallResult) => void>();
  let next = 1;
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data)) as { id: number; result: unknown };
    pending.get(reply.id)?.({ ok: true, data: reply.result });
    pending.delete(reply.id);
  });
  return {
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    send: (body, clientId) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, body, clientId }));
      }),
    close: () => ws.terminate(),
  };
}

export async function connectSenders(
  kind: ServerKind,
  port: number,
  count: number,
  parley?: { tokens: string[]; roomId: string },
): Promise<Sender[]> {
  const http = `http://127.0.0.1:${port}`;
  const ws = `ws://127.0.0.1:${port}`;
  const senders = Array.from({ length: count }, (_, i) =>
    kind === 'parley'
      ? parleySender(ws, parley?.tokens[i] ?? '', parley?.roomId ?? '')
      : kind === 'socketio'
        ? socketIoSender(http)
        : wsSender(ws),
  );
  await Promise.all(senders.map((s) => s.opened));
  return senders;
}

export interface Offered {
  sent: number;
  accepted: number;
  /** Refusals by error code; `NO_REPLY` for sends unanswered when the step's drain ended. */
  refused: Record<string, number>;
  /** Sends not answered yet. */
  pending: number;
  ackLatencies: number[];
}

/**
 * Offers `rate` messages per second for `durationMs`, round-robin over the senders, each body
 * made by `body(sentAt)` with a unique clientId.
 */
export function offer(
  senders: Sender[],
  rate: number,
  durationMs: number,
  body: (sentAt: number) => string,
  clientIdPrefix: string,
  now: () => number,
): { done: Promise<void>; offered: Offered } {
  const offered: Offered = { sent: 0, accepted: 0, refused: {}, pending: 0, ackLatencies: [] };
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const started = now();
  let turn = 0;
  const done = new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = now() - started;
      const due = Math.min(total, Math.floor((rate * elapsed) / 1000) + 1);
      while (offered.sent < due) {
        const sender = senders[turn++ % senders.length];
        if (!sender) break;
        const sentAt = now();
        offered.sent++;
        offered.pending++;
        void sender.send(body(sentAt), `${clientIdPrefix}-${offered.sent}`).then((result) => {
          offered.pending--;
          offered.ackLatencies.push(now() - sentAt);
          if (result.ok) offered.accepted++;
          else offered.refused[result.code] = (offered.refused[result.code] ?? 0) + 1;
        });
      }
      if (offered.sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 2);
    tick();
  });
  return { done, offered };
}
