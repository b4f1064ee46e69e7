/**
 * Scenario "workspace": clients that do what the web app (apps/web) does, spread over many
 * rooms, and the database statements one sent message costs with few and with many of them
 * online. Keep `WebLikeClient` in step with the web app: it is the web app's traffic, as of
 * now —
 *
 * - App / ChatShell: `auth.me` and `rooms.list` (HTTP, batched), `live.userEvents`;
 *   a `room.activity` patches the cached list from the event (features/rooms/roomListReducer.ts)
 *   and refetches only for a room not in the list or when the preview's message was deleted;
 *   rooms added or removed invalidate `rooms.list` (renames, roles, presence and names are
 *   patched too), which TanStack Query refetches at once, cancelling one still in flight;
 * - RoomView, for the one room in view: `messages.history` (newest page), then
 *   `live.roomEvents` from its newest position, and `live.roomActivity`; the newest position
 *   seen is marked read (`rooms.markRead`) while the tab is visible (all are, here), at most
 *   once per 500 ms (features/rooms/readMarkThrottle.ts: the first at once), over the
 *   WebSocket (lib/trpc.ts);
 * - sending: `live.typing` (at most every 2 s) and `messages.send`, over HTTP.
 *
 * Each configuration runs on a fresh PostgreSQL database; the server counts every statement
 * it sends (bench/server.ts). After a first message in each room in use (each viewer's first
 * read mark is a one-off: a membership check and a write), the count after the clients
 * settle, divided by the messages sent, is the cost of a message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../src/router.js';
import { fmt } from './broadcast.js';
import { startServer } from './processes.js';
import type { Seeded } from './server.js';

export interface WorkspaceOptions {
  /** Members online in each configuration, e.g. [10, 300]. */
  online: number[];
  quick: boolean;
  postgresUrl: string;
}

export interface WorkspaceResult {
  online: number;
  messages: number;
  statements: number;
  httpRequests: number;
  listRefetches: number;
  markReads: number;
  settled: boolean;
}

const ROOMS = 20;
const SENDERS = 5;
const TYPING_EVERY_MS = 2_000;
const PAGE_SIZE = 50;
/** The web app sends a read mark at most this often (features/rooms/readMarkThrottle.ts). */
const MARK_READ_EVERY_MS = 500;
/** Messages per second the senders send (low: the web-like clients' refetches are costly). */
const RATE = 2;

interface Counters {
  httpRequests: number;
  listRefetches: number;
  markReads: number;
}

class WebLikeClient {
  readonly #ws: ReturnType<typeof createWSClient>;
  readonly api;
  #listAbort: AbortController | null = null;
  #newest = 0;
  #marked = 0;
  #markScheduled = false;
  #lastMarkAt = Number.NEGATIVE_INFINITY;
  #previews = new Map<string, number | null>();
  #lastTyping = 0;
  #sent = 0;

  constructor(
    url: string,
    token: string,
    readonly userId: string,
    readonly roomId: string,
    private readonly counters: Counters,
  ) {
    this.#ws = createWSClient({
      url: `${url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
    });
    this.api = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          // As the web app (apps/web/src/lib/trpc.ts): read marks over the socket too.
          condition: (op) => op.type === 'subscription' || op.path === 'rooms.markRead',
          true: wsLink({ client: this.#ws }),
          false: httpBatchLink({
            url: `${url}/trpc`,
            headers: { Authorization: `Bearer ${token}` },
            fetch: (input, init) => {
              counters.httpRequests++;
              return fetch(input, init);
            },
          }),
        }),
      ],
    });
  }

  async start(): Promise<void> {
    const [, rooms] = await Promise.all([this.api.auth.me.query(), this.api.rooms.list.query()]);
    this.#remember(rooms);
    this.api.live.userEvents.subscribe(undefined, {
      onData: (event) => {
        if (['presence', 'user.updated', 'room.updated', 'room.role'].includes(event.type)) return;
        if (event.type !== 'room.activity') return this.#invalidateList();
        const preview = this.#previews.get(event.roomId);
        if (preview === undefined) return this.#invalidateList();
        if (event.change === 'deleted' && preview === event.message.position) {
          return this.#invalidateList();
        }
        if (event.change === 'created') this.#previews.set(event.roomId, event.message.position);
      },
    });
    const [page] = await Promise.all([
      this.api.messages.history.query({ roomId: this.roomId, limit: PAGE_SIZE, cursor: null }),
    ]);
    this.api.live.roomActivity.subscribe({ roomId: this.roomId }, {});
    this.#newest = page.items.reduce((max, m) => Math.max(max, m.position), 0);
    this.#marked = this.#newest;
    await new Promise<void>((resolve) => {
      this.api.live.roomEvents.subscribe(
        { roomId: this.roomId, lastEventId: String(this.#newest) },
        {
          onStarted: () => resolve(),
          onData: ({ data }) => {
            this.#newest = Math.max(this.#newest, data.position);
            this.#scheduleMarkRead();
          },
        },
      );
    });
  }

  /** Each listed room's preview position (null: none): what the web app's patch needs. */
  #remember(rooms: Array<{ id: string; lastMessage: { position: number } | null }>): void {
    this.#previews = new Map(rooms.map((r) => [r.id, r.lastMessage?.position ?? null]));
  }

  #invalidateList(): void {
    this.#listAbort?.abort();
    const abort = new AbortController();
    this.#listAbort = abort;
    this.counters.listRefetches++;
    this.api.rooms.list
      .query(undefined, { signal: abort.signal })
      .then((rooms) => this.#remember(rooms))
      .catch(() => {})
      .finally(() => {
        if (this.#listAbort === abort) this.#listAbort = null;
      });
  }

  #scheduleMarkRead(): void {
    if (this.#markScheduled) return;
    this.#markScheduled = true;
    const wait = Math.max(0, this.#lastMarkAt + MARK_READ_EVERY_MS - Date.now());
    setTimeout(() => {
      this.#markScheduled = false;
      this.#lastMarkAt = Date.now();
      if (this.#newest <= this.#marked) return;
      this.#marked = this.#newest;
      this.counters.markReads++;
      this.api.rooms.markRead
        .mutate({ roomId: this.roomId, position: this.#newest })
        .catch(() => {});
    }, wait);
  }

  async send(roomId: string): Promise<void> {
    const at = Date.now();
    if (at - this.#lastTyping >= TYPING_EVERY_MS) {
      this.#lastTyping = at;
      void this.api.live.typing.mutate({ roomId }).catch(() => {});
    }
    await this.api.messages.send.mutate({
      roomId,
      body: `hello from ${this.userId.slice(0, 8)} #${++this.#sent}`,
      clientId: crypto.randomUUID(),
    });
  }

  close(): void {
    void this.#ws.close();
  }
}

/** Room j ≥ 1 has the users i with i % 19 = j − 1 or (7i + 3) % 19 = j − 1; room 0 has all. */
function workspaceRooms(users: number) {
  const others = ROOMS - 1;
  return [
    { name: 'general', members: Array.from({ length: users }, (_, i) => i) },
    ...Array.from({ length: others }, (_, r) => ({
      name: `room-${r + 1}`,
      members: Array.from({ length: users }, (_, i) => i).filter(
        (i) => i % others === r || (7 * i + 3) % others === r,
      ),
    })),
  ];
}

const viewedRoom = (i: number) => (i % 3 === 0 ? 0 : (i % (ROOMS - 1)) + 1);

async function runOne(
  online: number,
  users: number,
  options: WorkspaceOptions,
): Promise<WorkspaceResult> {
  const db = await createEmptyPostgresDb(options.postgresUrl);
  const server = await startServer({
    BENCH_SERVER: 'parley',
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    PARLEY_SECRET: `${crypto.randomUUID()}${crypto.randomUUID()}`,
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
  });
  const clients: WebLikeClient[] = [];
  try {
    const seeded = await server.request<Seeded>({
      type: 'seed',
      spec: { users, rooms: workspaceRooms(users) },
    });
    const counters: Counters = { httpRequests: 0, listRefetches: 0, markReads: 0 };
    const url = `http://127.0.0.1:${server.port}`;
    for (let i = 0; i < online; i += 25) {
      const batch = seeded.users.slice(i, Math.min(online, i + 25)).map((u, n) => {
        const room = seeded.rooms[viewedRoom(i + n)];
        return new WebLikeClient(url, u.token, u.id, room?.id ?? '', counters);
      });
      clients.push(...batch);
      await Promise.all(batch.map((c) => c.start()));
    }
    const statements = () => server.request<{ statements: number }>({ type: 'statements' });
    const settle = async (maxMs: number) => {
      const deadline = Date.now() + maxMs;
      let last = (await statements()).statements;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        await sleep(250);
        const current = (await statements()).statements;
        if (current !== last) {
          last = current;
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= 1000) return { settled: true, statements: current };
      }
      return { settled: false, statements: last };
    };
    // The same traffic whatever the number online: users 0–4, in #general and a room of theirs.
    const traffic = async (messages: number) => {
      const sends: Promise<void>[] = [];
      for (let m = 0; m < messages; m++) {
        const sender = clients[m % SENDERS];
        const room = seeded.rooms[m % 2 === 0 ? 0 : ((m % SENDERS) % (ROOMS - 1)) + 1];
        if (sender && room) sends.push(sender.send(room.id));
        await sleep(1000 / RATE);
      }
      await Promise.all(sends);
    };
    await settle(30_000);
    // A first message in each room in use: a viewer's first read mark checks its membership
    // and is written at once (once per session and room, not per message: not measured).
    await traffic(2 * SENDERS);
    await settle(30_000);
    const start = (await statements()).statements;
    Object.assign(counters, { httpRequests: 0, listRefetches: 0, markReads: 0 });

    const messages = options.quick ? 8 : 20;
    await traffic(messages);
    const end = await settle(options.quick ? 15_000 : 30_000);
    return {
      online,
      messages,
      statements: end.statements - start,
      ...counters,
      settled: end.settled,
    };
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    await db.drop();
  }
}

export async function runWorkspace(
  options: WorkspaceOptions,
  log: (line: string) => void,
): Promise<WorkspaceResult[]> {
  const users = Math.max(...options.online);
  const results: WorkspaceResult[] = [];
  log(
    `${users} members, ${ROOMS} rooms (#general has everyone), a third viewing #general; users 0–4 send ${RATE} msg/s\n`,
  );
  log(
    'online │ messages │ statements/msg │ HTTP requests/msg │ rooms.list refetches/msg │ markRead/msg',
  );
  for (const online of options.online) {
    const r = await runOne(online, users, options);
    results.push(r);
    log(
      [
        String(online).padStart(6),
        String(r.messages).padStart(8),
        fmt(r.statements / r.messages, 1).padStart(14),
        fmt(r.httpRequests / r.messages, 1).padStart(17),
        fmt(r.listRefetches / r.messages, 1).padStart(24),
        `${fmt(r.markReads / r.messages, 1).padStart(12)}${r.settled ? '' : ' (still busy when measured)'}`,
      ].join(' │ '),
    );
  }
  return results;
}
