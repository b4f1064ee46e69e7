/**
 * Bad input (issue 3): oversized and empty bodies, unknown rooms, malformed lastEventId, a
 * 1 MB WebSocket frame, a garbage frame, expired and forged tokens, a foreign Origin and a
 * 1 MB HTTP body each get a clear error or a closed socket; the server keeps serving everyone
 * else, and nothing is written. All over real HTTP and WebSocket against a real server and
 * database. (The rate limits are in rate-limits.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { queryRows, sessions } from '@parley/db';
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
import * as hostile from './hostile-support.js';

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

/**
 * Hostile (issue 14): what an attacker sends as bad input, raw over HTTP against a
 * production-mode server: lookalike names (finding 7), control characters and oversized batches
 * (findings 1 and 3; every string field and every batch shape are in hostile-errors.test.ts and
 * hostile-batches.test.ts). Each bound holds and the server keeps serving the others.
 */
describe('hostile', () => {
  let h: hostile.Hostile;
  let boss: { token: string; user: { id: string } };
  let ana: { token: string; user: { id: string } };
  let eve: { token: string; user: { id: string } };

  /** The field message of a refused raw call. */
  function fieldMessage(answer: hostile.Answer, field: string): string | undefined {
    const { data } = hostile.errorOf(answer.json);
    const issues = (data as { issues?: Array<{ path: string; message: string }> })?.issues;
    return issues?.find((i) => i.path === field)?.message;
  }

  async function publicRooms(): Promise<Array<{ name: string | null; name_key: string | null }>> {
    return queryRows(
      h.db.db,
      sql`select name, name_key from rooms where kind = 'public' order by created_at`,
    );
  }

  beforeAll(async () => {
    // Many refused names in a row: the rate limits are another suite's subject.
    const many = { points: 1000, seconds: 3600 };
    h = await hostile.startHostile({
      limits: { rates: { rooms: many, account: many, tokens: many, auth: many } },
    });
    boss = await hostile.signUp(h, 'boss'); // the first account: the workspace owner
    ana = await hostile.signUp(h, 'ana');
    eve = await hostile.signUp(h, 'eve');
    const general = await hostile.mutate(
      h,
      'rooms.create',
      { name: 'general', visibility: 'public' },
      ana.token,
    );
    expect(general.status).toBe(200);
  });
  afterAll(() => h?.close());

  it('refuses a homoglyph, zero-width or case variant of a public room with CONFLICT', async () => {
    const lookalikes = [
      'gеneral', // Cyrillic е
      'GENERАL', // upper case with a Cyrillic А
      'gen\u200beral', // a zero-width space
      'gene\u00adral', // a soft hyphen
      'g\u2060eneral\u200d', // a word joiner and a zero-width joiner
      'ｇｅｎｅｒａｌ', // fullwidth: NFKC makes it “general”
      'generaI', // a capital I for the l
      'genera\u217c', // Roman numeral fifty for the l
      'General', // case alone
      ' general ',
    ];
    for (const name of lookalikes) {
      const answer = await hostile.mutate(
        h,
        'rooms.create',
        { name, visibility: 'public' },
        eve.token,
      );
      expect(answer.status, `${JSON.stringify(name)}: ${answer.text}`).toBe(409);
      const { code, message } = hostile.errorOf(answer.json);
      expect(code).toBe('CONFLICT');
      expect(message).toMatch(/“general”/);
      expect(answer.text).not.toMatch(/insert|duplicate key|rooms_public/i);
    }
    expect((await publicRooms()).map((r) => r.name)).toEqual(['general']);
    // Names of private rooms are nobody else's business: those may repeat.
    const hidden = await hostile.mutate(
      h,
      'rooms.create',
      { name: 'gеneral', visibility: 'private' },
      eve.token,
    );
    expect(hidden.status).toBe(200);
    // A different name is fine, lookalike letters and all.
    const other = await hostile.mutate(
      h,
      'rooms.create',
      { name: 'Généraux', visibility: 'public' },
      eve.token,
    );
    expect(other.status, other.text).toBe(200);
  });

  it('refuses direction controls in display names and room names, with a field message', async () => {
    const controls = [
      '\u202e',
      '\u202a',
      '\u202d',
      '\u2066',
      '\u2067',
      '\u2069',
      '\u200e',
      '\u200f',
      '\u061c',
    ];
    for (const c of controls) {
      const shown = `eve${c}exe.txt`;
      const profile = await hostile.mutate(
        h,
        'auth.updateProfile',
        { displayName: shown },
        eve.token,
      );
      expect(profile.status, `${JSON.stringify(shown)}: ${profile.text}`).toBe(400);
      expect(fieldMessage(profile, 'displayName')).toMatch(/direction controls/);
      const room = await hostile.mutate(
        h,
        'rooms.create',
        { name: `room${c}x`, visibility: 'public' },
        eve.token,
      );
      expect(room.status).toBe(400);
      expect(fieldMessage(room, 'name')).toMatch(/direction controls/);
    }
    const signUp = await hostile.mutate(h, 'auth.signUp', {
      username: 'rlo_user',
      password: hostile.PASSWORD,
      displayName: '\u202eadmin',
    });
    expect(signUp.status).toBe(400);
    expect(fieldMessage(signUp, 'displayName')).toMatch(/direction controls/);
  });

  it('refuses names with nothing visible in them', async () => {
    const invisible = [
      '\u200b',
      '\u200b\u200c\u200d',
      '\u2060\ufeff',
      '\u3164', // Hangul filler
      '\u2800', // braille blank
      ' \u200b \u00ad ',
      '\u180e\u2061',
    ];
    for (const name of invisible) {
      const profile = await hostile.mutate(
        h,
        'auth.updateProfile',
        { displayName: name },
        eve.token,
      );
      expect(profile.status, `${JSON.stringify(name)}: ${profile.text}`).toBe(400);
      expect(fieldMessage(profile, 'displayName')).toMatch(/visible character/);
      const room = await hostile.mutate(
        h,
        'rooms.create',
        { name, visibility: 'private' },
        eve.token,
      );
      expect(room.status).toBe(400);
      expect(fieldMessage(room, 'name')).toMatch(/visible character/);
    }
    const me = hostile.resultOf<{ displayName: string }>(
      (await hostile.query(h, 'auth.me', undefined, eve.token)).json,
    );
    expect(me.displayName).toBe('eve');
  });

  it('stores names NFKC-normalised', async () => {
    const room = await hostile.mutate(
      h,
      'rooms.create',
      { name: 'Ｒａｎｄｏｍ ﬁle', visibility: 'public' },
      eve.token,
    );
    expect(hostile.resultOf<{ name: string }>(room.json).name).toBe('Random file');
    const profile = await hostile.mutate(
      h,
      'auth.updateProfile',
      { displayName: 'Ｅｖｅ Ⅱ' },
      eve.token,
    );
    expect(hostile.resultOf<{ displayName: string }>(profile.json).displayName).toBe('Eve II');
    const [stored] = await queryRows<{ display_name: string }>(
      h.db.db,
      sql`select display_name from users where id = ${eve.user.id}`,
    );
    expect(stored?.display_name).toBe('Eve II');
    expect((await publicRooms()).map((r) => r.name)).toContain('Random file');
  });

  it('refuses a display name that looks like someone else’s username, or a reserved word', async () => {
    for (const name of ['ana', 'ANA', 'Аna', 'a\u200bna', 'ａｎａ']) {
      const answer = await hostile.mutate(
        h,
        'auth.updateProfile',
        { displayName: name },
        eve.token,
      );
      expect(answer.status, `${JSON.stringify(name)}: ${answer.text}`).toBe(409);
      expect(hostile.errorOf(answer.json)).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/looks like the username of @ana/),
      });
    }
    for (const name of ['admin', 'Admin', 'Аdmin', 'ADMINISTRATOR', 'Owner', 'System']) {
      const answer = await hostile.mutate(
        h,
        'auth.updateProfile',
        { displayName: name },
        eve.token,
      );
      expect(answer.status, `${JSON.stringify(name)}: ${answer.text}`).toBe(400);
      expect(hostile.errorOf(answer.json).message).toMatch(/reserved for the workspace owner/);
    }
    // The same at sign-up: no account is created.
    const impostor = await hostile.mutate(h, 'auth.signUp', {
      username: 'impostor',
      password: hostile.PASSWORD,
      displayName: 'Ana',
    });
    expect(impostor.status).toBe(409);
    const [found] = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from users where username = 'impostor'`,
    );
    expect(found?.n).toBe(0);
    // One's own username in any style is fine, and so are the reserved words for the owner.
    for (const [who, name] of [
      [ana, 'ANA'],
      [ana, 'Ana'],
      [boss, 'Admin'],
      [eve, 'Eve Adams'],
    ] as const) {
      const answer = await hostile.mutate(
        h,
        'auth.updateProfile',
        { displayName: name },
        who.token,
      );
      expect(answer.status, `${name}: ${answer.text}`).toBe(200);
    }
  });

  it('refuses NUL and control characters in names and bodies before the database, with a field message', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['auth.signUp', { username: 'nul\u0000', password: hostile.PASSWORD }, 'username'],
      ['auth.signIn', { username: 'ana\u0000', password: hostile.PASSWORD }, 'username'],
      ['auth.updateProfile', { displayName: 'a\u0000b' }, 'displayName'],
      ['rooms.create', { name: 'x\u0007y', visibility: 'public' }, 'name'],
      ['tokens.create', { name: 't\u009bt' }, 'name'],
    ];
    for (const [path, input, field] of cases) {
      const answer = await hostile.mutate(h, path, input, eve.token);
      expect(answer.status, `${path}: ${answer.text}`).toBe(400);
      expect(fieldMessage(answer, field)).toMatch(/cannot contain control characters/);
      expect(answer.text).not.toMatch(/insert|select|scrypt|\$\d/i);
    }
  });

  it('refuses an oversized batch before running any of it', async () => {
    const calls = Array.from({ length: 120 }, () => 'auth.me').join(',');
    const input: Record<string, unknown> = {};
    for (let i = 0; i < 120; i++) input[i] = {};
    const answer = await hostile.raw(
      h,
      `${calls}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: { Authorization: `Bearer ${eve.token}` } },
    );
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).toMatch(/batch/i);
    expect(answer.text.length).toBeLessThan(10_000);
  });

  it('keeps serving: the right names still work, and every public room has its key', async () => {
    const answer = await hostile.mutate(
      h,
      'rooms.create',
      { name: 'random-2', visibility: 'public' },
      ana.token,
    );
    expect(answer.status).toBe(200);
    const rooms = await publicRooms();
    expect(rooms.every((r) => r.name_key !== null)).toBe(true);
    expect(new Set(rooms.map((r) => r.name_key)).size).toBe(rooms.length);
    expect((await hostile.health(h)).status).toBe(200);
  });
});
