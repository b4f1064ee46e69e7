/**
 * What the bench's processes share: the clock, the payload, and a minimal tRPC-over-WebSocket
 * client. Load generators and subscribers speak the wire protocols directly (tRPC's JSON-RPC
 * frames, Engine.IO/Socket.IO packets) and read only the few fields they need, so the client
 * side costs the same little for every server measured and the figures are the servers'.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** Absolute high-resolution time in ms, comparable across the bench's processes. */
export const now = () => performance.timeOrigin + performance.now();

/**
 * A message body that carries its step and send time: `<step>|<sentAt>|` then padding to
 * `length` characters (the payload size is the same for every server).
 */
export function makeBody(step: number, sentAt: number, length: number): string {
  const head = `${step}|${sentAt.toFixed(3)}|`;
  return head + 'x'.repeat(Math.max(0, length - head.length));
}

export interface Delivery {
  step: number;
  sentAt: number;
  position: number;
}

/**
 * Reads step, send time and position out of a delivered frame without parsing all of it. Every
 * server sends the same event shape (`{"type":…,"position":N,"message":{…,"body":"…"}}`),
 * inside its own envelope.
 */
export function readDelivery(frame: string): Delivery | null {
  const b = frame.indexOf('"body":"');
  if (b < 0) return null;
  const stepEnd = frame.indexOf('|', b + 8);
  const timeEnd = frame.indexOf('|', stepEnd + 1);
  const p = frame.indexOf('"position":');
  if (stepEnd < 0 || timeEnd < 0 || p < 0) return null;
  return {
    step: Number(frame.slice(b + 8, stepEnd)),
    sentAt: Number(frame.slice(stepEnd + 1, timeEnd)),
    position: Number.parseInt(frame.slice(p + 11, p + 31), 10),
  };
}

/** The event every baseline server broadcasts: the shape and size of Parley's. */
export function baselineEvent(position: number, body: string, clientId: string) {
  return {
    type: 'message.created',
    position,
    message: {
      id: crypto.randomUUID(),
      roomId: '6f1c2a4e-3a55-4a8e-9d51-0b6c8a9e2f10',
      position,
      clientId,
      body,
      author: {
        id: '0d6e7c59-9b0e-4a57-8c36-5f1d9b6f2a11',
        username: 'bench_sender',
        displayName: 'bench_sender',
      },
      replyTo: null,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
    },
  };
}

export type CallResult = { ok: true; data: unknown } | { ok: false; code: string; message: string };

interface RpcReply {
  id: number;
  result?: { type: string; data?: unknown };
  error?: { message: string; data?: { code?: string } };
}

/**
 * One authenticated tRPC WebSocket connection for queries and mutations (the senders'). tRPC's
 * wire protocol: `?connectionParams=1`, a `connectionParams` frame, then JSON-RPC requests;
 * the server's keep-alive `PING` is answered with `PONG`.
 */
export class TrpcSocket {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, (result: CallResult) => void>();
  readonly opened: Promise<void>;

  constructor(url: string, token: string) {
    this.#ws = new WebSocket(`${url}?connectionParams=1`, { perMessageDeflate: false });
    this.opened = new Promise((resolve, reject) => {
      this.#ws.once('open', () => {
        this.#ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
        resolve();
      });
      this.#ws.once('error', reject);
    });
    this.#ws.on('message', (data) => {
      const text = String(data);
      if (text === 'PING') return void this.#ws.send('PONG');
      const reply = JSON.parse(text) as RpcReply;
      const settle = this.#pending.get(reply.id);
      if (!settle) return;
      this.#pending.delete(reply.id);
      settle(
        reply.error
          ? { ok: false, code: reply.error.data?.code ?? 'UNKNOWN', message: reply.error.message }
          : { ok: true, data: reply.result?.data },
      );
    });
    this.#ws.on('close', () => {
      for (const settle of this.#pending.values()) {
        settle({ ok: false, code: 'CLOSED', message: 'socket closed' });
      }
      this.#pending.clear();
    });
  }

  call(method: 'query' | 'mutation', path: string, input: unknown): Promise<CallResult> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#ws.send(JSON.stringify({ id, method, params: { path, input } }));
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
