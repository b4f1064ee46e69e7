import type { AppRouter } from '@parley/api-contract';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  isTRPCClientError,
  splitLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

type Listener = () => void;

/**
 * The WebSocket used for subscriptions. It is lazy: it opens with the first subscription and
 * carries the session cookie of the moment it opens, so `restart()` after sign-in/out.
 */
class Socket {
  readonly ws = createWSClient({
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`,
    lazy: { enabled: true, closeMs: 0 },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    // Quick first retries, then at most every 4 s, so coming back online feels immediate.
    retryDelayMs: (attempt) => (attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 4_000)),
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

  getStatus = (): ConnectionStatus => this.status;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function createClients() {
  const socket = new Socket();
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: socket.ws }),
        false: httpBatchLink({ url: '/trpc' }),
      }),
    ],
  });
  return { socket, trpcClient };
}

export const { socket, trpcClient } = createClients();

/** The tRPC error code of a failure, if it came from the server. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') {
      return data.code;
    }
  }
  return undefined;
}

/** A validation failure's messages by input field (the server's `data.issues`). */
export function fieldIssues(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isTRPCClientError<AppRouter>(error)) return out;
  const data = error.data;
  if (!data || !('issues' in data) || !Array.isArray(data.issues)) return out;
  for (const issue of data.issues) {
    const field = issue.path.split('.')[0] ?? '';
    out[field] ??= issue.message;
  }
  return out;
}

export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (error.message === 'Failed to fetch' || error.message.includes('NetworkError')) {
      return 'Cannot reach Parley. Check your connection and try again.';
    }
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
