/**
 * Shared setup for the authorization and bad-input acceptance tests: a real server on an
 * ephemeral port over a fresh test database, and real HTTP and WebSocket clients.
 */

import { type DbHandle, messages, roomEvents, sessions } from '@parley/db';
import {
  createTRPCClient,
  createTRPCUntypedClient,
  createWSClient,
  httpLink,
  TRPCClientError,
  type TRPCUntypedClient,
  wsLink,
} from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { count } from 'drizzle-orm';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { signSessionToken } from '../../src/auth/session-tokens.js';
import type { AppRouter } from '../../src/router.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../../src/testing.js';

export const SECRET = TEST_SECRET;
export const PASSWORD = 'correct horse battery staple';

export type Server = TestServer;

/** A test server with the production defaults for keep-alive and limits. */
export function startServer(): Promise<Server> {
  return startTestServer({
    // The matrix creates a room per call; room creation's own limit is tested elsewhere.
    config: { limits: { rates: { rooms: { points: 1000, seconds: 60 } } } },
  });
}

function authHeaders(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function httpClient(server: Server, token: string | null = null) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, headers: () => authHeaders(token) })],
  });
}

export type HttpClient = ReturnType<typeof httpClient>;

/** Calls any procedure by its dotted path (the matrix walks the router, untyped). */
export function untypedHttpClient(
  server: Server,
  token: string | null,
): TRPCUntypedClient<AnyTRPCRouter> {
  return createTRPCUntypedClient({
    links: [httpLink({ url: `${server.url}/trpc`, headers: () => authHeaders(token) })],
  });
}

function socketTo(server: Server, token: string | null) {
  return createWSClient({
    url: server.wsUrl,
    // The `ws` package stands in for the browser's WebSocket (Node 20 has none).
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : undefined,
    retryDelayMs: () => 200,
  });
}

export interface WsClient {
  client: TRPCUntypedClient<AnyTRPCRouter>;
  close(): Promise<void>;
}

/** One socket per client: request ids are counted per client, so two on a socket collide. */
export function wsClient(server: Server, token: string | null): WsClient {
  const socket = socketTo(server, token);
  return {
    client: createTRPCUntypedClient({ links: [wsLink({ client: socket })] }),
    close: () => socket.close(),
  };
}

export function typedWsClient(server: Server, token: string | null) {
  const socket = socketTo(server, token);
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] }),
    close: () => socket.close(),
  };
}

/** The tRPC error code of a failure (`UNAUTHORIZED`, `NOT_FOUND`, …), or a description. */
export function errorCode(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (typeof data === 'object' && data !== null && 'code' in data) {
      const code: unknown = data.code;
      if (typeof code === 'string') return code;
    }
    return `TRPCClientError without a code: ${error.message}`;
  }
  return `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** 'ok', or the tRPC error code the call failed with. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return errorCode(error);
  }
}

/** Rejects with the error a call failed with; fails if it succeeded. */
export async function failure(call: Promise<unknown>): Promise<TRPCClientError<AnyTRPCRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Subscribes and settles on the first thing that happens: 'ok' for the first data, the
 * error code for an error. `poke` runs every 200 ms until then (for streams that only speak
 * when something happens). Gives up with 'no event' after `waitMs`.
 */
export function firstEmission(
  client: TRPCUntypedClient<AnyTRPCRouter>,
  path: string,
  input: unknown,
  poke?: () => Promise<unknown>,
  waitMs = 10_000,
): Promise<string> {
  return new Promise((resolve) => {
    let settled = false;
    let poker: NodeJS.Timeout | undefined;
    const finish = (result: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poker);
      subscription.unsubscribe();
      resolve(result);
    };
    const timer = setTimeout(() => finish('no event'), waitMs);
    const subscription = client.subscription(path, input, {
      onStarted: () => {
        if (poke && !settled) {
          poker = setInterval(() => void poke().catch(() => {}), 200);
          void poke().catch(() => {});
        }
      },
      onData: () => finish('ok'),
      onError: (error) => finish(errorCode(error)),
      onComplete: () => finish('completed'),
    });
  });
}

/** A session made directly in the database (no password hashing), and its signed token. */
export async function sessionToken(
  db: DbHandle,
  userId: string,
  expiresAt = new Date(Date.now() + 86_400_000),
  secret = SECRET,
): Promise<{ sessionId: string; token: string }> {
  const [session] = await db.db.insert(sessions).values({ userId, expiresAt }).returning();
  if (!session) throw new Error('session insert returned nothing');
  const token = await signSessionToken(secret, { sessionId: session.id, userId, expiresAt });
  return { sessionId: session.id, token };
}

export interface SignedUp {
  id: string;
  username: string;
  token: string;
}

export async function signUp(server: Server, username: string): Promise<SignedUp> {
  const { user, token } = await httpClient(server).auth.signUp.mutate({
    username,
    password: PASSWORD,
  });
  return { id: user.id, username: user.username, token };
}

/** A human message: a sentence, not a JSON dump of validation issues. */
export function expectHumanMessage(message: string, pattern: RegExp) {
  expect(message).toMatch(pattern);
  expect(message.trim()).not.toMatch(/^[[{]/);
  expect(message).not.toContain('"code"');
}

/** How many messages and room events the database holds. */
export async function written(server: Server) {
  const [m] = await server.db.db.select({ n: count() }).from(messages);
  const [e] = await server.db.db.select({ n: count() }).from(roomEvents);
  return { messages: Number(m?.n), events: Number(e?.n) };
}
