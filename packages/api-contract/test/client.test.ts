/**
 * createParleyClient against a real server on a real database: HTTP calls carry the token,
 * subscriptions share one WebSocket, and after a server restart the client reconnects and its
 * room subscription resumes after the last event it delivered (events written while it was
 * away arrive once each, in order). Its keep-alive is on by default: the server answers its
 * pings, and a peer that stops answering is dropped and reconnected to.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startTestServer, type TestServer } from '../../../apps/api/src/testing.js';
import { createParleyClient, type ParleyClient, type RoomEvent } from '../src/index.js';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('createParleyClient', () => {
  let server: TestServer;
  const clients: ParleyClient[] = [];
  const client = (url: string, token: string | null) => {
    const c = createParleyClient({ url, token, WebSocket, retryDelayMs: () => 200 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await server?.close();
  });

  it('calls procedures over HTTP with its token, and without one only public ones', async () => {
    const anonymous = client(server.url, null).api;
    expect(await anonymous.auth.me.query()).toBeNull();
    await expect(anonymous.rooms.list.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    const { token, user } = await anonymous.auth.signUp.mutate({
      username: 'carol',
      password: 'correct horse battery',
    });
    const { api } = client(`${server.url}/trpc/`, token);
    expect(await api.auth.me.query()).toEqual({ ...user, role: 'owner' }); // the first account owns the workspace
  });

  const hasGlobalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket !== undefined;
  it.skipIf(hasGlobalWebSocket)(
    'without a WebSocket (Node 20): calls work, a subscription fails saying to pass one',
    async () => {
      const anonymous = createParleyClient({ url: server.url });
      clients.push(anonymous);
      const { token } = await anonymous.api.auth.signUp.mutate({
        username: 'nows',
        password: 'correct horse battery',
      });
      const { api } = createParleyClient({ url: server.url, token });
      const room = await api.rooms.create.mutate({ name: 'no-ws', visibility: 'public' });
      const error = await new Promise<Error>((resolve) => {
        api.live.roomEvents.subscribe({ roomId: room.id }, { onError: resolve });
      });
      expect(error.message).toMatch(/need a WebSocket.*import WebSocket from 'ws'/);
    },
  );

  it('resumes a room subscription after a server restart, missing nothing', async () => {
    const anonymous = client(server.url, null).api;
    const { token } = await anonymous.auth.signUp.mutate({
      username: 'dave',
      password: 'correct horse battery',
    });
    const { api } = client(server.url, token);
    const room = await api.rooms.create.mutate({ name: 'resume', visibility: 'public' });

    const received: { id: string; event: RoomEvent }[] = [];
    let opened = 0;
    const watcher = createParleyClient({
      url: server.url,
      token,
      WebSocket,
      retryDelayMs: () => 200,
      onOpen: () => opened++,
    });
    clients.push(watcher);
    let started = false;
    watcher.api.live.roomEvents.subscribe(
      { roomId: room.id },
      {
        onStarted: () => {
          started = true;
        },
        onData: ({ id, data }) => received.push({ id, event: data }),
      },
    );
    await until(() => started, 'the subscription to start');

    const send = (body: string, via = api) =>
      via.messages.send.mutate({ roomId: room.id, body, clientId: `c-${body}` });
    await send('one');
    await send('two');
    await until(() => received.length === 2, 'two live events');

    // The server goes away; while it is down another server on the same database takes two
    // messages the watcher cannot see live.
    await server.app.close();
    const other = await server.startSibling();
    const viaOther = client(other.url, token).api;
    await send('three', viaOther);
    await send('four', viaOther);
    await other.close();
    expect(received.map((r) => r.event.message.body)).toEqual(['one', 'two']);

    // Back on the same port: the watcher reconnects and resumes after "two".
    await server.restart();
    await until(() => received.length === 4, 'the missed events to be replayed');
    expect(opened).toBeGreaterThanOrEqual(2);
    await send('five');
    await until(() => received.length === 5, 'a live event after the restart');

    expect(received.map((r) => r.event.message.body)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
    ]);
    const positions = received.map((r) => r.event.position);
    expect(received.map((r) => r.id)).toEqual(positions.map(String));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(5);
    expect(received.every((r) => r.event.type === 'message.created')).toBe(true);
  });

  it('pings by default, and the server answers: the socket stays up', async () => {
    const anonymous = client(server.url, null).api;
    const { token } = await anonymous.auth.signUp.mutate({
      username: 'erin',
      password: 'correct horse battery',
    });
    let pings = 0;
    const count = (socket: WebSocket) =>
      socket.on('message', (data) => {
        if (String(data) === 'PING') pings++;
      });
    server.app.wss.on('connection', count);
    let opened = 0;
    let closed = 0;
    // Only the interval is shortened: the keep-alive itself is the default.
    const watcher = createParleyClient({
      url: server.url,
      token,
      WebSocket,
      keepAlive: { intervalMs: 100 },
      onOpen: () => opened++,
      onClose: () => closed++,
    });
    clients.push(watcher);
    const sub = watcher.api.live.userEvents.subscribe(undefined, {});
    try {
      await until(() => pings >= 5, 'five pings');
      expect(opened).toBe(1);
      expect(closed).toBe(0);
    } finally {
      sub.unsubscribe();
      server.app.wss.off('connection', count);
    }
  });

  it('drops a connection whose peer stops answering, and connects again', async () => {
    // A peer that accepts WebSockets and never says anything: a connection that died silently.
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => silent.once('listening', () => resolve()));
    let connections = 0;
    silent.on('connection', () => connections++);
    const { port } = silent.address() as { port: number };
    const closes: (number | undefined)[] = [];
    const watcher = createParleyClient({
      url: `http://127.0.0.1:${port}`,
      token: 'pat_whatever',
      WebSocket,
      retryDelayMs: () => 50,
      keepAlive: { intervalMs: 100, pongTimeoutMs: 200 },
      onClose: (code) => closes.push(code),
    });
    clients.push(watcher);
    const sub = watcher.api.live.userEvents.subscribe(undefined, {});
    try {
      await until(() => connections >= 2, 'a second connection after the first went silent');
      expect(closes.length).toBeGreaterThanOrEqual(1);
    } finally {
      sub.unsubscribe();
      for (const socket of silent.clients) socket.terminate();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
