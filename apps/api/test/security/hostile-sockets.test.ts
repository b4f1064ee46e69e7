/**
 * Hostile (issue 14, finding 2): sockets that subscribe and never read, replay a whole room
 * from position 0, open thousands of subscriptions or thousands of sockets. The buffered-bytes
 * cap holds at every frame (not at a once-a-second sample), replay goes at the reader's pace,
 * and the per-socket and per-user caps refuse the excess with a reason; everyone else is served.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { WebSocket } from 'ws';
import { CLOSE_TOO_MANY_SOCKETS } from '../../src/limits/sockets.js';
import { sendMessage } from '../../src/messages/service.js';
import {
  errorOf,
  frameFor,
  type Hostile,
  health,
  mutate,
  RawSocket,
  resultOf,
  signUp,
  sleep,
  startHostile,
  wireCode,
} from './hostile-support.js';

const CAP = 256 * 1024;
let server: Hostile;
let owner: Awaited<ReturnType<typeof signUp>>;
let roomId: string;

const subscribe = (id: number, input: Record<string, unknown>) => ({
  id,
  method: 'subscription',
  params: { path: 'live.roomEvents', input: { roomId, ...input } },
});

/** The server's side of every open socket, and the most any of them has queued. */
function serverSockets(): WebSocket[] {
  return [...server.app.wss.clients];
}

async function send(count: number, body: string, tag: string) {
  for (let i = 0; i < count; i++) {
    const sent = await sendMessage(server.app.deps, owner.user.id, {
      roomId,
      body,
      clientId: `${tag}-${i}`,
    });
    if (!sent.ok) throw new Error(sent.message);
  }
}

describe('hostile: slow readers, replays and socket counts', () => {
  beforeAll(async () => {
    // Keep-alive pings would also drop a paused reader; push them out of the way.
    server = await startHostile({ maxBufferedBytes: CAP, wsPingMs: 600_000 });
    owner = await signUp(server, 'owner');
    const room = await mutate(
      server,
      'rooms.create',
      { name: 'firehose', visibility: 'private' },
      owner.token,
    );
    roomId = resultOf<{ id: string }>(room.json).id;
    // A room of about 2.5 MB of message text to replay.
    await send(600, 'r'.repeat(4000), 'seed');
  });
  afterAll(() => server?.close());

  it('never queues past the cap for a reader that stopped, checked at every frame', {
    timeout: 180_000,
  }, async () => {
    const stalled = RawSocket.as(server, owner.token);
    await stalled.opened;
    stalled.send(subscribe(1, {}));
    await stalled.waitFor(frameFor(1));
    // The server's end of this socket: the one whose peer port is ours.
    const port = (stalled.socket as unknown as { _socket: { localPort: number } })._socket
      .localPort;
    const peerPort = (ws: WebSocket) =>
      (ws as unknown as { _socket?: { remotePort?: number } })._socket?.remotePort;
    const mine = serverSockets().find((ws) => peerPort(ws) === port);
    if (!mine) throw new Error('server side of the socket not found');
    stalled.socket.pause();
    // Frames of about 8 KiB (two-byte characters), one at a time (in position order, so the
    // live path, not a paced catch-up, carries them), until the server gives up on the socket.
    const body = 'é'.repeat(3990);
    let most = 0;
    let sent = 0;
    while (serverSockets().includes(mine) && sent < 5000) {
      await send(1, body, `live-${sent}`);
      sent++;
      most = Math.max(most, mine.bufferedAmount);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(serverSockets().includes(mine), 'the stalled socket was dropped').toBe(false);
    expect(sent).toBeLessThan(5000);
    // Checked after every message: the queue never passed the cap (a sample once a second let
    // 73–166 MB pile up).
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(CAP);
    expect((await health(server)).status).toBe(200);
    stalled.close();
  });

  it('paces 10 sockets × 10 replays from position 0 by their drain; the server stays responsive', {
    timeout: 180_000,
  }, async () => {
    const before = serverSockets().length;
    const sockets = Array.from({ length: 10 }, () => RawSocket.as(server, owner.token));
    onTestFinished(() => {
      for (const s of sockets) s.close();
    });
    await Promise.all(sockets.map((s) => s.opened));
    for (const s of sockets) {
      s.socket.pause();
      s.send(Array.from({ length: 10 }, (_, i) => subscribe(i + 1, { lastEventId: '0' })));
    }
    // Let every replay run as far as its socket lets it.
    await sleep(2_000);
    const queued = serverSockets().map((ws) => ws.bufferedAmount);
    expect(queued.length).toBe(before + 10);
    // Paced: each socket holds at most its cap, not 10 × 2.5 MB of replay.
    for (const bytes of queued) expect(bytes).toBeLessThanOrEqual(CAP);
    const probe = await health(server);
    expect(probe.status).toBe(200);
    // (Generous: this machine is shared; the failure this guards against was a minute.)
    expect(probe.ms).toBeLessThan(5_000);
    // Someone else is served meanwhile.
    const other = await signUp(server, 'bystander');
    const theirs = await mutate(
      server,
      'rooms.create',
      { name: 'calm', visibility: 'private' },
      other.token,
    );
    expect(theirs.status).toBe(200);

    // A reader that resumes reading gets the whole room, in order, exactly once.
    const [first, ...rest] = sockets;
    if (!first) throw new Error('no socket');
    for (const s of rest) s.close();
    first.socket.resume();
    const positions = new Map<number, number[]>();
    const isData = (m: unknown) =>
      (m as { result?: { type?: string } } | null)?.result?.type === 'data';
    const total = await lastPosition();
    await first.waitFor(isData, total * 10);
    for (const m of first.received.filter(isData)) {
      const { id, result } = m as { id: number; result: { id: string } };
      positions.set(id, [...(positions.get(id) ?? []), Number(result.id)]);
    }
    for (let id = 1; id <= 10; id++) {
      expect(positions.get(id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
  });

  it('refuses subscriptions past the cap on one socket with a reason, and frees a slot on unsubscribe', async () => {
    const max = server.app.deps.config.limits.maxSubscriptionsPerSocket;
    const listeners = server.app.deps.bus.listenerCount();
    const socket = RawSocket.as(server, owner.token);
    await socket.opened;
    socket.send(Array.from({ length: max + 20 }, (_, i) => subscribe(i + 1, {})));
    const answers = await socket.waitFor(
      (m) => typeof m === 'object' && m !== null && 'id' in m,
      max + 20,
    );
    const refused = answers.filter((m) => wireCode(m) === 'TOO_MANY_REQUESTS');
    expect(refused).toHaveLength(20);
    expect(errorOf(refused[0]).message).toMatch(/subscriptions open, the most allowed/);
    // Each subscription holds two bus listeners (the room, and the user's own stream).
    expect(server.app.deps.bus.listenerCount() - listeners).toBeLessThanOrEqual(2 * max);

    socket.send({ id: 1, method: 'subscription.stop' });
    // tRPC says "stopped" once the stream has ended, and with it its count.
    await socket.waitFor((m) => frameFor(1)(m) && JSON.stringify(m).includes('"stopped"'));
    socket.send(subscribe(9999, {}));
    const [again] = await socket.waitFor(frameFor(9999));
    expect(wireCode(again)).toBeUndefined();
    socket.close();
  });

  it('closes sockets past the per-user cap with 4429 and a reason; other people still connect', async () => {
    const max = server.app.deps.config.limits.maxSocketsPerUser;
    const hog = await signUp(server, 'hog');
    const sockets = Array.from({ length: max + 5 }, () => RawSocket.as(server, hog.token));
    await Promise.all(sockets.map((s) => s.opened.catch(() => {})));
    const closes = await Promise.all(
      sockets.map((s) => Promise.race([s.closed, sleep(3_000).then(() => null)])),
    );
    const refused = closes.filter((c) => c !== null);
    expect(refused).toHaveLength(5);
    for (const close of refused) {
      expect(close?.code).toBe(CLOSE_TOO_MANY_SOCKETS);
      expect(close?.reason).toBe('too many connections');
    }
    const [refusedSocket] = sockets.filter((_, i) => closes[i] !== null);
    expect(errorOf(refusedSocket?.received[0]).message).toMatch(
      /connections open, the most allowed/,
    );

    const someoneElse = RawSocket.as(server, owner.token);
    await someoneElse.opened;
    someoneElse.send({ id: 1, method: 'query', params: { path: 'auth.me' } });
    expect(wireCode((await someoneElse.waitFor(frameFor(1)))[0])).toBeUndefined();
    // Closing one of the hog's sockets makes room for another.
    const open = sockets.filter((_, i) => closes[i] === null);
    open[0]?.close();
    await sleep(200);
    const again = RawSocket.as(server, hog.token);
    await again.opened;
    again.send({ id: 1, method: 'query', params: { path: 'auth.me' } });
    expect(wireCode((await again.waitFor(frameFor(1)))[0])).toBeUndefined();
    for (const s of [...sockets, again, someoneElse]) s.close();
  });
});

async function lastPosition(): Promise<number> {
  const { rooms } = await import('@parley/db');
  const { eq } = await import('drizzle-orm');
  const [row] = await server.db.db
    .select({ p: rooms.lastPosition })
    .from(rooms)
    .where(eq(rooms.id, roomId));
  return row?.p ?? 0;
}
