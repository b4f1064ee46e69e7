/**
 * Shared by the hostile suites: a production-mode server on a fresh database, and clients
 * that send what no well-behaved client would (raw HTTP, raw WebSocket frames).
 */
import WebSocket, { type ClientOptions, type RawData } from 'ws';
import type { ConfigOverrides } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { startTestServer, type TestServer } from '../../src/testing.js';

export const SECRET = 'hostile-suite-secret-0123456789-0123456789';
export const PASSWORD = 'correct horse battery staple';

export type Hostile = TestServer;

/** A production-mode test server (with `config` over the defaults). */
export function startHostile(
  config: ConfigOverrides = {},
  options: { log?: Logger } = {},
): Promise<Hostile> {
  return startTestServer({
    env: { NODE_ENV: 'production' },
    log: options.log,
    config: { secret: SECRET, webDist: undefined, ...config },
  });
}

export interface Answer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

/** One raw HTTP request to /trpc/<path>; `body` is sent as is. */
export async function raw(
  server: Hostile,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${server.url}/trpc/${path}`, init);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, text, json, headers: response.headers };
}

/** A POSTed tRPC mutation with a bearer token (or none). */
export function mutate(server: Hostile, path: string, input: unknown, token?: string) {
  return raw(server, path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(input),
  });
}

export function query(server: Hostile, path: string, input: unknown, token?: string) {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return raw(server, `${path}${qs}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

/** The tRPC error code and message of an answer (or of one item of a batch answer). */
export function errorOf(body: unknown): { code?: string; message?: string; data?: unknown } {
  const error = (body as { error?: { message?: string; data?: { code?: string } } })?.error;
  return { code: error?.data?.code, message: error?.message, data: error?.data };
}

export function resultOf<T>(body: unknown): T {
  return (body as { result: { data: T } }).result.data;
}

export async function signUp(server: Hostile, username: string) {
  const answer = await mutate(server, 'auth.signUp', { username, password: PASSWORD });
  if (answer.status !== 200) throw new Error(`sign-up failed: ${answer.text}`);
  return resultOf<{ user: { id: string; username: string }; token: string }>(answer.json);
}

/** A raw WebSocket: frames in and out as the wire has them. */
export class RawSocket {
  readonly socket: WebSocket;
  readonly received: unknown[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<() => void> = [];

  constructor(url: string, options: ClientOptions = {}) {
    this.socket = new WebSocket(url, { perMessageDeflate: false, ...options });
    this.socket.on('error', () => {});
    this.socket.on('message', (data: RawData) => {
      const text = data.toString();
      try {
        this.received.push(JSON.parse(text));
      } catch {
        this.received.push(text);
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('close', () => reject(new Error('closed before it opened')));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  /** A socket authenticated with a bearer header. */
  static as(server: Hostile, token: string, options: ClientOptions = {}): RawSocket {
    return new RawSocket(server.wsUrl, {
      ...options,
      headers: { Authorization: `Bearer ${token}`, ...options.headers },
    });
  }

  send(data: unknown): void {
    this.socket.send(typeof data === 'string' ? data : JSON.stringify(data), () => {});
  }

  /** Waits until `count` received messages match (or the socket closes); returns them. */
  async waitFor(match: (message: unknown) => boolean, count = 1): Promise<unknown[]> {
    const found: unknown[] = [];
    let scanned = 0;
    for (;;) {
      // Only what arrived since the last look: thousands of frames must not cost n².
      for (; scanned < this.received.length; scanned++) {
        const message = this.received[scanned];
        if (match(message)) found.push(message);
      }
      if (found.length >= count) return found;
      if (this.socket.readyState === WebSocket.CLOSED) return found;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.terminate();
  }
}

/** A response frame to request `id`. */
export const frameFor = (id: number | string) => (message: unknown) =>
  typeof message === 'object' && message !== null && 'id' in message && message.id === id;

export function wireCode(message: unknown): string | undefined {
  return errorOf(message).code;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** /healthz answers, and how long it took. */
export async function health(server: Hostile): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.url}/healthz`);
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}
