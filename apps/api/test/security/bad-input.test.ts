/**
 * Bad input (issue 3): oversized and empty bodies, unknown rooms, malformed lastEventId, a
 * 1 MB WebSocket frame, a garbage frame, expired and forged tokens, a foreign Origin and a
 * 1 MB HTTP body each get a clear error or a closed socket; the server keeps serving everyone
 * else, and nothing is written. All over real HTTP and WebSocket against a real server and
 * database. (The rate limits are in rate-limits.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { sessions } from '@parley/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions, type RawData } from 'ws';
import { signSessionToken } from '../../src/auth/session-tokens.js';
import {
  errorCode,
  expectHumanMessage,
  failure,
  firstEmission,
  type HttpClient,
  httpClient,
  outcome,
  SECRET,
  type Server,
  type SignedUp,
  sessionToken,
  signUp,
  startServer,
  typedWsClient,
  type WsClient,
  written,
  wsClient,
} from '../support/security-harness.js';

const MB = 1024 * 1024;

/** A raw WebSocket, to send what no well-behaved client would. */
class RawSocket {
  readonly socket: WebSocket;
  readonly received: unknown[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The HTTP status when the upgrade was refused. */
  readonly refused: Promise<number>;
  #waiters: Array<() => void> = [];

  constructor(url: string, options: ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    // The server may cut the connection mid-send: that is the point of some tests.
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
    this.refused = new Promise((resolve) => {
      this.socket.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
    });
  }

  send(data: string | Buffer): void {
    this.socket.send(data, () => {});
  }

  /** Waits for a received message that matches, or for the socket to close (undefined). */
  async waitFor(match: (message: unknown) => boolean): Promise<unknown> {
    for (;;) {
      const found = this.received.find(match);
      if (found !== undefined) return found;
      if (this.socket.readyState === WebSocket.CLOSED) return undefined;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.terminate();
  }
}

/** The tRPC error code inside a raw WebSocket response, if it is one. */
function wireErrorCode(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || !('error' in message)) return undefined;
  const error: unknown = message.error;
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}

function wireResultFor(id: number) {
  return (message: unknown) =>
    typeof message === 'object' &&
    message !== null &&
    'id' in message &&
    message.id === id &&
    'result' in message;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

let server: Server;
let alice: SignedUp;
let bob: SignedUp;
let mallory: SignedUp;
let aliceHttp: HttpClient;
let bobWs: ReturnType<typeof typedWsClient>;
let probe: WsClient;
let roomId: string;
const bobSaw: string[] = [];
let stopBob: (() => void) | undefined;
let writtenBefore: { messages: number; events: number };

/** A raw socket that presents a token as its connection params, as the browser client does. */
function socketWithParams(token: string, options: ClientOptions = {}): RawSocket {
  const raw = new RawSocket(`${server.wsUrl}?connectionParams=1`, options);
  void raw.opened.then(
    () => raw.send(JSON.stringify({ method: 'connectionParams', data: { token } })),
    () => {},
  );
  return raw;
}

/** A bad token gets UNAUTHORIZED over HTTP and a closed socket over WebSocket. */
async function expectRejectedToken(token: string) {
  const client = httpClient(server, token);
  const refused = await failure(client.rooms.list.query());
  expect(errorCode(refused)).toBe('UNAUTHORIZED');
  expect(
    await outcome(client.messages.send.mutate({ roomId, body: 'x', clientId: 'bad-tok' })),
  ).toBe('UNAUTHORIZED');
  expect(await client.auth.me.query()).toBeNull();

  const cookie = await fetch(`${server.url}/trpc/rooms.list`, {
    headers: { Cookie: `parley_session=${encodeURIComponent(token)}` },
  });
  expect(cookie.status).toBe(401);

  const raw = socketWithParams(token);
  const answer = await raw.waitFor((m) => wireErrorCode(m) !== undefined);
  expect(wireErrorCode(answer)).toBe('UNAUTHORIZED');
  await raw.closed;
  const bearer = new RawSocket(server.wsUrl, { headers: { Authorization: `Bearer ${token}` } });
  expect(wireErrorCode(await bearer.waitFor((m) => wireErrorCode(m) !== undefined))).toBe(
    'UNAUTHORIZED',
  );
  await bearer.closed;
}

describe('bad input', () => {
  beforeAll(async () => {
    server = await startServer();
    [alice, bob, mallory] = await Promise.all([
      signUp(server, 'alice'),
      signUp(server, 'bob'),
      signUp(server, 'mallory'),
    ]);
    aliceHttp = httpClient(server, alice.token);
    const room = await aliceHttp.rooms.create.mutate({ name: 'general', visibility: 'public' });
    roomId = room.id;
    await httpClient(server, bob.token).rooms.join.mutate({ roomId });

    // Bob listens throughout: whatever the others throw at the server, he must keep receiving.
    bobWs = typedWsClient(server, bob.token);
    probe = wsClient(server, bob.token);
    await new Promise<void>((resolve, reject) => {
      const sub = bobWs.client.live.roomEvents.subscribe(
        { roomId },
        {
          onStarted: () => resolve(),
          onData: (event) => bobSaw.push(event.data.message.body),
          onError: reject,
        },
      );
      stopBob = () => sub.unsubscribe();
    });
    writtenBefore = await written(server);
  });

  afterAll(async () => {
    stopBob?.();
    await bobWs?.close();
    await probe?.close();
    await server?.close();
  });

  it('refuses oversized and empty bodies with a human message', async () => {
    for (const body of ['x'.repeat(4001), `  ${'x'.repeat(4001)}  `]) {
      const error = await failure(
        aliceHttp.messages.send.mutate({ roomId, body, clientId: 'big' }),
      );
      expect(errorCode(error)).toBe('BAD_REQUEST');
      expectHumanMessage(error.message, /at most 4000 characters/);
    }
    for (const body of ['', '   ', '\n\t \n']) {
      const error = await failure(
        aliceHttp.messages.send.mutate({ roomId, body, clientId: 'nil' }),
      );
      expect(errorCode(error)).toBe('BAD_REQUEST');
      expectHumanMessage(error.message, /cannot be empty/);
    }
    const edit = await failure(
      aliceHttp.messages.edit.mutate({ messageId: randomUUID(), body: 'y'.repeat(4001) }),
    );
    expect(errorCode(edit)).toBe('BAD_REQUEST');
    expectHumanMessage(edit.message, /at most 4000 characters/);
    // The same over WebSocket.
    const overWs = await failure(
      bobWs.client.messages.send.mutate({ roomId, body: ' ', clientId: 'ws-nil' }),
    );
    expect(errorCode(overWs)).toBe('BAD_REQUEST');
    expectHumanMessage(overWs.message, /cannot be empty/);
  });

  it('answers NOT_FOUND for a room that does not exist, BAD_REQUEST for one that cannot', async () => {
    const missing = randomUUID();
    const send = await failure(
      aliceHttp.messages.send.mutate({ roomId: missing, body: 'hi', clientId: 'nowhere' }),
    );
    expect(errorCode(send)).toBe('NOT_FOUND');
    expectHumanMessage(send.message, /not found/i);
    expect(await outcome(aliceHttp.messages.history.query({ roomId: missing }))).toBe('NOT_FOUND');
    expect(await firstEmission(probe.client, 'live.roomEvents', { roomId: missing })).toBe(
      'NOT_FOUND',
    );
    const malformed = await failure(
      aliceHttp.messages.send.mutate({ roomId: 'general', body: 'hi', clientId: 'bad-id' }),
    );
    expect(errorCode(malformed)).toBe('BAD_REQUEST');
    expectHumanMessage(malformed.message, /valid id/);
  });

  it('refuses a malformed lastEventId', async () => {
    for (const lastEventId of ['abc', '-1', '1.5', '1e3', ' 7', '9'.repeat(16), '']) {
      expect(
        await firstEmission(probe.client, 'live.roomEvents', { roomId, lastEventId }),
        JSON.stringify(lastEventId),
      ).toBe('BAD_REQUEST');
    }
  });

  it('closes a socket that sends a 1 MB frame', async () => {
    const raw = socketWithParams(alice.token);
    await raw.opened;
    raw.send(
      JSON.stringify({
        id: 1,
        method: 'mutation',
        params: {
          path: 'messages.send',
          input: { roomId, body: 'x'.repeat(MB), clientId: 'huge-frame' },
        },
      }),
    );
    const { code } = await raw.closed;
    // 1009: message too big (1006 if the connection was cut before the close frame arrived).
    expect([1009, 1006]).toContain(code);
  });

  it('answers a garbage frame with an error and keeps serving the socket', async () => {
    const raw = new RawSocket(server.wsUrl, {
      headers: { Authorization: `Bearer ${alice.token}` },
    });
    await raw.opened;
    raw.send('this is {not json');
    raw.send(Buffer.from([0xff, 0x00, 0xfe, 0x01]));
    raw.send('{"id":');
    const parseError = await raw.waitFor((m) => wireErrorCode(m) !== undefined);
    expect(wireErrorCode(parseError)).toBe('PARSE_ERROR');
    // Still serving this very socket.
    raw.send(JSON.stringify({ id: 7, method: 'query', params: { path: 'auth.me' } }));
    const me = await raw.waitFor(wireResultFor(7));
    expect(JSON.stringify(me)).toContain(alice.id);
    raw.close();

    // Garbage instead of the connection params: an error, then the socket is closed.
    const first = new RawSocket(`${server.wsUrl}?connectionParams=1`);
    await first.opened;
    first.send('garbage');
    expect(wireErrorCode(await first.waitFor((m) => wireErrorCode(m) !== undefined))).toBe(
      'PARSE_ERROR',
    );
    await first.closed;
  });

  it('refuses an expired session over HTTP and closes the socket', async () => {
    const { sessionId, token } = await sessionToken(server.db, mallory.id);
    expect((await httpClient(server, token).auth.me.query())?.id).toBe(mallory.id);
    await server.db.db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(sessions.id, sessionId));
    await expectRejectedToken(token);

    // A token whose own expiry has passed, though its session row still looks valid.
    const live = await sessionToken(server.db, mallory.id);
    const stale = await signSessionToken(SECRET, {
      sessionId: live.sessionId,
      userId: mallory.id,
      expiresAt: new Date(Date.now() - 60_000),
    });
    await expectRejectedToken(stale);
  });

  it('refuses forged and tampered tokens', async () => {
    const { sessionId } = await sessionToken(server.db, mallory.id);
    const wrongSecret = await signSessionToken('not-the-secret-of-this-server-0123456789', {
      sessionId,
      userId: mallory.id,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const [header, payload, signature] = mallory.token.split('.');
    const claims: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = [header, base64url({ ...Object(claims), sub: alice.id }), signature].join('.');
    const unsigned = [
      base64url({ alg: 'none', typ: 'JWT' }),
      base64url({ ...Object(claims), sid: sessionId }),
      '',
    ].join('.');
    for (const token of [wrongSecret, tampered, unsigned, 'garbage', `pat_${'A'.repeat(43)}`]) {
      await expectRejectedToken(token);
    }
  });

  it('refuses a WebSocket upgrade from a foreign Origin', async () => {
    const foreign = new RawSocket(server.wsUrl, {
      origin: 'https://evil.example',
      headers: { Cookie: `parley_session=${encodeURIComponent(alice.token)}` },
    });
    expect(await foreign.refused).toBe(403);
    const lookalike = new RawSocket(server.wsUrl, {
      origin: `${server.url}.evil.example`,
    });
    expect(await lookalike.refused).toBe(403);
    // The server's own origin is fine.
    const own = new RawSocket(server.wsUrl, {
      origin: server.url,
      headers: { Cookie: `parley_session=${encodeURIComponent(alice.token)}` },
    });
    await own.opened;
    own.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'auth.me' } }));
    expect(JSON.stringify(await own.waitFor(wireResultFor(1)))).toContain(alice.id);
    own.close();
  });

  it('refuses a 1 MB HTTP body', async () => {
    const response = await fetch(`${server.url}/trpc/messages.send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ roomId, body: 'x'.repeat(MB), clientId: 'huge-body' }),
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('PAYLOAD_TOO_LARGE');
  });

  it('wrote nothing, and still serves a normal client and the listener', async () => {
    expect(await written(server)).toEqual(writtenBefore);
    expect(bobSaw).toEqual([]);

    const longest = `  ${'z'.repeat(4000)}  `;
    const sent = await aliceHttp.messages.send.mutate({ roomId, body: longest, clientId: 'ok-1' });
    expect(sent.body).toBe('z'.repeat(4000));
    const hello = await aliceHttp.messages.send.mutate({ roomId, body: 'hello', clientId: 'ok-2' });
    const page = await aliceHttp.messages.history.query({ roomId });
    expect(page.items.map((m) => m.id)).toEqual([hello.id, sent.id]);
    await expect.poll(() => bobSaw.length).toBe(2);
    expect(bobSaw).toEqual(['z'.repeat(4000), 'hello']);
    expect(await written(server)).toEqual({
      messages: writtenBefore.messages + 2,
      events: writtenBefore.events + 2,
    });
  });
});
