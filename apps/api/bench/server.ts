/**
 * The server side of `pnpm bench`, one process per server measured (forked by run.ts, with
 * `--expose-gc`): BENCH_SERVER=parley runs the real Parley app (createApp, configured from the
 * environment like `pnpm start`: DATABASE_URL or PARLEY_DATA_DIR, PARLEY_SEND_RATE, …);
 * `socketio` a Socket.IO 4.8 room broadcast; `ws` a bare `ws` broadcast. The baselines
 * persist nothing: each stamps a position on the message and broadcasts an event of the same
 * shape and size as Parley's, serialised once.
 *
 * It answers the parent over IPC: its port, heap after a full collection, the database
 * statements Parley has sent (counted by the db client's `onQuery` hook), and, for Parley,
 * seeding of accounts, rooms and memberships straight into the database (scrypt sign-ups
 * would dominate the setup and trip the sign-up limit).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { createDb, type DbHandle, memberships, migrate, rooms, sessions, users } from '@parley/db';
import { Server as SocketIoServer } from 'socket.io';
import { type WebSocket, WebSocketServer } from 'ws';
import { createApp, type RunningApp } from '../src/app.js';
import { signSessionToken } from '../src/auth/session-tokens.js';
import { baselineEvent } from './wire.js';

export interface SeedSpec {
  users: number;
  /** Public rooms, each with the indices of its members (the first is its creator). */
  rooms: Array<{ name: string; members: number[] }>;
}

export interface Seeded {
  users: Array<{ id: string; username: string; token: string }>;
  rooms: Array<{ id: string; name: string }>;
}

export type ServerRequest = { id: number } & (
  | { type: 'memory' }
  /** A heap snapshot (after full collections) written to `path` (bench/memory.ts). */
  | { type: 'snapshot'; path: string }
  | { type: 'statements' }
  /** CPU time this process has used (µs, user + system) and the statements so far. */
  | { type: 'usage' }
  | { type: 'seed'; spec: SeedSpec }
);

const mode = process.env.BENCH_SERVER;
let statements = 0;
const reply = (message: unknown) => process.send?.(message);

/** The JS heap after full collections: what connections and subscriptions hold. */
async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

async function seed(app: RunningApp, spec: SeedSpec): Promise<Seeded> {
  const { db } = app.deps;
  const expiresAt = new Date(Date.now() + 86_400_000);
  const made = await db
    .insert(users)
    .values(
      Array.from({ length: spec.users }, (_, i) => ({
        username: `bench_${i}`,
        displayName: `Bench ${i}`,
      })),
    )
    .returning({ id: users.id, username: users.username });
  made.sort((a, b) => Number(a.username.slice(6)) - Number(b.username.slice(6)));
  const madeSessions = await db
    .insert(sessions)
    .values(made.map((u) => ({ userId: u.id, expiresAt })))
    .returning({ id: sessions.id, userId: sessions.userId });
  const sessionOf = new Map(madeSessions.map((s) => [s.userId, s.id]));
  const seededUsers = await Promise.all(
    made.map(async (u) => ({
      ...u,
      token: await signSessionToken(app.deps.config.secret, {
        sessionId: sessionOf.get(u.id) ?? '',
        userId: u.id,
        expiresAt,
      }),
    })),
  );
  const seededRooms: Seeded['rooms'] = [];
  for (const room of spec.rooms) {
    const [row] = await db
      .insert(rooms)
      .values({ kind: 'public', name: room.name, createdBy: made[room.members[0] ?? 0]?.id })
      .returning({ id: rooms.id, name: rooms.name });
    if (!row) throw new Error('room insert returned nothing');
    const rows = room.members.map((i, n) => ({
      roomId: row.id,
      userId: made[i]?.id ?? '',
      role: n === 0 ? ('admin' as const) : ('member' as const),
    }));
    for (let i = 0; i < rows.length; i += 1000) {
      await db.insert(memberships).values(rows.slice(i, i + 1000));
    }
    seededRooms.push({ id: row.id, name: row.name ?? '' });
  }
  return { users: seededUsers, rooms: seededRooms };
}

interface Running {
  port: number;
  seed?: (spec: SeedSpec) => Promise<Seeded>;
}

async function parley(): Promise<Running> {
  const onQuery = () => {
    statements++;
  };
  const dataDir = process.env.PARLEY_DATA_DIR;
  const handle: DbHandle = process.env.DATABASE_URL
    ? createDb({ url: process.env.DATABASE_URL, onQuery })
    : createDb({ dataDir: `${dataDir}/db`, onQuery });
  await migrate(handle);
  const app = await createApp({ db: handle, env: process.env });
  statements = 0;
  return { port: app.port, seed: (spec) => seed(app, spec) };
}

/** Senders emit `send` with an ack; subscribers (`?role=sub`) are in the room. */
async function socketIo(): Promise<Running> {
  const http = createServer();
  const io = new SocketIoServer(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
  });
  let position = 0;
  io.on('connection', (socket) => {
    if (socket.handshake.query.role === 'sub') void socket.join('room');
    socket.on('send', (input: { body: string; clientId: string }, ack: (r: unknown) => void) => {
      const event = baselineEvent(++position, input.body, input.clientId);
      io.to('room').emit('message', event);
      ack({ position });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { port: (http.address() as AddressInfo).port };
}

/** `/sub` sockets receive; `/send` sockets send `{ id, body, clientId }` and get `{ id }` back. */
async function bareWs(): Promise<Running> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const subscribers = new Set<WebSocket>();
  let position = 0;
  wss.on('connection', (ws, req) => {
    if (req.url === '/sub') {
      subscribers.add(ws);
      ws.on('close', () => subscribers.delete(ws));
      return;
    }
    ws.on('message', (data) => {
      const input = JSON.parse(String(data)) as { id: number; body: string; clientId: string };
      const event = baselineEvent(++position, input.body, input.clientId);
      const id = String(position);
      // Encoded once (as Socket.IO does for a room): each socket only frames and writes it.
      const frame = Buffer.from(
        JSON.stringify({ id: 1, result: { type: 'data', id, data: { id, data: event } } }),
      );
      for (const subscriber of subscribers) subscriber.send(frame, { binary: false });
      ws.send(JSON.stringify({ id: input.id, result: { position } }));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { port: (http.address() as AddressInfo).port };
}

const server: Running =
  mode === 'parley' ? await parley() : mode === 'socketio' ? await socketIo() : await bareWs();
process.on('message', (request: ServerRequest) => {
  const answer = async () => {
    if (request.type === 'memory') {
      const heap = await heapUsed();
      return { heapUsed: heap, arrayBuffers: process.memoryUsage().arrayBuffers };
    }
    if (request.type === 'snapshot') {
      await heapUsed();
      return { path: writeHeapSnapshot(request.path) };
    }
    if (request.type === 'statements') return { statements };
    if (request.type === 'usage') {
      const cpu = process.cpuUsage();
      return { cpuMicros: cpu.user + cpu.system, statements };
    }
    if (!server.seed) throw new Error('only Parley seeds');
    return server.seed(request.spec);
  };
  answer().then(
    (value) => reply({ id: request.id, value }),
    (error: unknown) => reply({ id: request.id, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
reply({ id: 0, value: { port: server.port } });
