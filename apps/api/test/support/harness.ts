import { randomUUID } from 'node:crypto';
import type { RoomEvent } from '@parley/api-contract/schemas';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { ConfigOverrides } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import type { AppRouter } from '../../src/router.js';
import { later, startTestServer, type TestServer } from '../../src/testing.js';

export type { TestServer };

export type Client = TRPCClient<AppRouter>;

/** Settings that keep tests quick: short keep-alive and typing windows, generous limits. */
export const testConfig: ConfigOverrides = {
  webDist: undefined,
  wsPingMs: 400,
  wsPongWaitMs: 400,
  typingTtlMs: 600,
  sendRatePerSecond: 1000,
  sendBurst: 1000,
};

/** A test server with the quick settings above (and `overrides`). */
export function startServer(overrides: ConfigOverrides = {}, log?: Logger): Promise<TestServer> {
  return startTestServer({ config: { ...testConfig, ...overrides }, log });
}

export interface Connected {
  client: Client;
  ws: ReturnType<typeof createWSClient>;
  close(): void;
}

export function connect(url: string, token?: string): Connected {
  const ws = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : null,
    retryDelayMs: () => 100,
    // Open a socket only while a subscription needs one, so "online" means what it says.
    lazy: { enabled: true, closeMs: 0 },
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: ws }),
        false: httpLink({
          url: `${url}/trpc`,
          headers: () => (token ? { Authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
  return { client, ws, close: () => void ws.close() };
}

let counter = 0;
export async function signUp(url: string, name = `user${++counter}${randomUUID().slice(0, 6)}`) {
  const anon = connect(url);
  const { user, token } = await anon.client.auth.signUp.mutate({
    username: name
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 32),
    password: 'correct horse battery',
    displayName: name,
  });
  anon.close();
  return { user, token, ...connect(url, token) };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what`. */
export async function waitFor(
  predicate: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const clientId = () => randomUUID();

export type Person = Awaited<ReturnType<typeof signUp>>;

/** A private room that `owner` creates and invites `guest` to. */
export async function shareRoom(owner: Person, guest: Person, name: string) {
  const room = await owner.client.rooms.create.mutate({ name, visibility: 'private' });
  await owner.client.rooms.invite.mutate({ roomId: room.id, username: guest.user.username });
  return room;
}

/** Subscribes to a room's events, collecting them; `lastEventId` resumes. */
export function collect(person: { client: Client }, roomId: string, lastEventId?: string) {
  const events: RoomEvent[] = [];
  const errors: unknown[] = [];
  let started = false;
  const sub = person.client.live.roomEvents.subscribe(
    { roomId, lastEventId },
    {
      onStarted: () => {
        started = true;
      },
      onData: (tracked) => events.push(tracked.data),
      onError: (err) => errors.push(err),
    },
  );
  return {
    events,
    errors,
    started: () => started,
    positions: () => events.map((e) => e.position),
    created: () => events.filter((e) => e.type === 'message.created').map((e) => e.message.body),
    stop: () => sub.unsubscribe(),
  };
}

/**
 * A bare WebSocket signed in with `token` (a bearer header), as any program could open one:
 * `ready` once the server has answered a call on it (so it is registered under its
 * credentials), `closed` with the code and reason the server closes it with.
 */
export function rawSocket(url: string, token: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('open', () =>
      socket.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'auth.me' } })),
    );
    socket.once('message', () => resolve());
    socket.once('error', reject);
  });
  return { ready, closed, close: () => socket.close() };
}

/** The tRPC error code a call fails with, or 'ok'; anything but a tRPC error is thrown on. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof TRPCClientError) return String(err.data?.code);
    throw err;
  }
}

/**
 * A file's server and the people on it: before the file's tests a server starts (the quick
 * settings plus `overrides`) and each of `names` signs up on it, in order (the name is also the
 * key: `withPeople(['ana', 'ben'])` gives `ana` and `ben`); after them, all close.
 */
export function withPeople<const Names extends readonly string[]>(
  names: Names,
  overrides: ConfigOverrides = {},
): { server: TestServer } & { [N in Names[number]]: Person } {
  let server: TestServer | undefined;
  const people = new Map<string, Person>();
  beforeAll(async () => {
    server = await startServer(overrides);
    for (const name of names) people.set(name, await signUp(server.app.url, name));
  });
  afterAll(async () => {
    for (const person of people.values()) person.close();
    await server?.close();
  });
  const fixtures: Record<string, unknown> = { server: later(() => server, 'server') };
  for (const name of names) fixtures[name] = later(() => people.get(name), name);
  return fixtures as { server: TestServer } & { [N in Names[number]]: Person };
}
