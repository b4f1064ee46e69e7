/**
 * A typed client for Parley's API: HTTP for queries and mutations, one WebSocket for
 * subscriptions. Runs in browsers and in Node (pass the `ws` package's WebSocket there).
 */
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
  type WebSocketClientOptions,
  wsLink,
} from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { CLOSE_REVOKED, LIMITS } from './limits.js';
import type { AppRouter } from './types.js';

export { CLOSE_REVOKED };

/**
 * Any WebSocket class: the browser's, Node 22's global one, or the `ws` package's
 * (`import WebSocket from 'ws'`).
 */
export type WebSocketConstructor = abstract new (
  url: string,
  protocols?: string | string[],
) => object;

export interface ParleyClientOptions {
  /**
   * The server's address, e.g. `https://chat.example.com`. The API lives at `/trpc` under it
   * (a URL that already ends in `/trpc` is fine too); the WebSocket uses `ws:`/`wss:`.
   */
  url: string;
  /**
   * A bot token (`pat_…`, from `tokens.create`) or a session token (from `auth.signIn`).
   * Sent as `Authorization: Bearer …` over HTTP and as `connectionParams.token` over the
   * WebSocket. Leave it out to call only public procedures (`auth.signUp`, `auth.signIn`).
   */
  token?: string | null;
  /**
   * The WebSocket class to use. Defaults to the global `WebSocket` (browsers, Node 22+). Where
   * there is none (Node 20) and none is given, queries and mutations still work and
   * subscriptions fail with an error saying to pass one.
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Milliseconds to wait before reconnect attempt `attempt` (0, 1, 2, …). The default backs
   * off exponentially with jitter, from ~0.5 s up to 30 s.
   */
  retryDelayMs?: (attempt: number) => number;
  /**
   * Called once when the server closes the socket because the token was revoked. The client
   * then stops reconnecting and its subscriptions complete; HTTP calls fail with UNAUTHORIZED.
   */
  onRevoked?: () => void;
  /** Called whenever the WebSocket opens (first connect and every reconnect). */
  onOpen?: () => void;
  /** Called whenever the WebSocket closes, with its close code if there is one. */
  onClose?: (code: number | undefined) => void;
  /** Close the WebSocket after this many ms without subscriptions or requests (10 s). */
  idleCloseMs?: number;
  /**
   * The client's own keep-alive on the WebSocket: after `intervalMs` (default 15 s) with no
   * message it sends a ping, and without an answer in `pongTimeoutMs` (default 5 s) it drops
   * the socket and reconnects (subscriptions resume). This finds a connection that died
   * silently (a laptop waking up, a NAT or proxy that forgot it) long before TCP would.
   * `false` turns it off.
   */
  keepAlive?: { intervalMs?: number; pongTimeoutMs?: number } | false;
}

export interface ParleyClient {
  /** The typed API: `api.messages.send.mutate(…)`, `api.live.roomEvents.subscribe(…)`, … */
  api: TRPCClient<AppRouter>;
  /** Ends every subscription and closes the WebSocket. Pending HTTP calls still settle. */
  close(): Promise<void>;
}

/** Exponential back-off with jitter: ~0.5 s, 1 s, 2 s, … capped at 30 s. */
export function defaultRetryDelayMs(attempt: number): number {
  const ceiling = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function endpoints(url: string): { http: string; ws: string } {
  const base = new URL(url);
  const path = base.pathname.replace(/\/+$/, '').replace(/\/trpc$/, '');
  const http = `${base.origin}${path}/trpc`;
  const ws = http.replace(/^http(s?):/, 'ws$1:');
  return { http, ws };
}

/**
 * Creates a client for a Parley server. Queries and mutations go over HTTP (batched);
 * subscriptions share one WebSocket, opened on the first subscription. When the socket drops
 * (a server restart, a network change) it reconnects with back-off and resubscribes, and a
 * subscription of tracked events (`live.roomEvents`) resumes after the last event it delivered,
 * so nothing is missed or repeated.
 *
 * ```ts
 * import WebSocket from 'ws';
 * const { api, close } = createParleyClient({ url, token, WebSocket });
 * const me = await api.auth.me.query();
 * ```
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const { http, ws } = endpoints(options.url);
  const token = options.token ?? null;
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  let revoked = false;
  const wsClient = WebSocketClass
    ? createWSClient({
        url: ws,
        // tRPC types this as the DOM's WebSocket class; `ws`'s class works the same at run time.
        WebSocket: WebSocketClass as WebSocketClientOptions['WebSocket'],
        connectionParams: token ? { token } : undefined,
        retryDelayMs: options.retryDelayMs ?? defaultRetryDelayMs,
        lazy: { enabled: true, closeMs: options.idleCloseMs ?? 10_000 },
        keepAlive:
          options.keepAlive === false
            ? { enabled: false }
            : {
                enabled: true,
                intervalMs: options.keepAlive?.intervalMs ?? 15_000,
                pongTimeoutMs: options.keepAlive?.pongTimeoutMs ?? 5_000,
              },
        onOpen: options.onOpen,
        onClose: (cause) => {
          options.onClose?.(cause?.code);
          if (cause?.code === CLOSE_REVOKED && !revoked) {
            revoked = true;
            void wsClient?.close();
            options.onRevoked?.();
          }
        },
      })
    : null;
  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsClient ? wsLink<AppRouter>({ client: wsClient }) : noWebSocket,
        false: httpBatchLink<AppRouter>({
          url: http,
          maxItems: LIMITS.batchMax,
          headers: () => (token ? { Authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
  return { api, close: async () => wsClient?.close() };
}

/** Where there is no WebSocket class, subscriptions fail at once and say why. */
const noWebSocket: TRPCLink<AppRouter> = () => () =>
  observable((observer) => {
    observer.error(
      new TRPCClientError(
        'Subscriptions need a WebSocket and this runtime has none: pass one, e.g. ' +
          "createParleyClient({ url, token, WebSocket }) with `import WebSocket from 'ws'`.",
      ),
    );
  });
