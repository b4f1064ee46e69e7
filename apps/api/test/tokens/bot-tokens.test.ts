/**
 * Bot tokens end to end on a real server and database: the secret is shown once and only its
 * hash is kept; the token works as a bearer over HTTP and via connectionParams over the
 * WebSocket; revoking it refuses it at once and ends its open subscriptions.
 */
import {
  createParleyClient,
  type ParleyClient,
  type ParleyClientOptions,
} from '@parley/api-contract';
import { CLOSE_REVOKED } from '@parley/api-contract/limits';
import { apiTokens, type DbHandle } from '@parley/db';
import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApp } from '../../src/app.js';
import { hashBotSecret } from '../../src/auth/session-tokens.js';
import { startTestServer, type TestServer } from '../../src/testing.js';

const PASSWORD = 'correct horse battery staple';

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return typeof data === 'object' &&
    data !== null &&
    'code' in data &&
    typeof data.code === 'string'
    ? data.code
    : undefined;
}

async function failsWith(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return codeOf(error) ?? String(error);
  }
  return 'ok';
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('bot tokens', () => {
  let server: TestServer;
  let db: DbHandle;
  let app: RunningApp;
  const clients: ParleyClient[] = [];
  const connect = (
    token: string | null,
    extra: Omit<ParleyClientOptions, 'url' | 'token' | 'WebSocket'> = {},
  ) => {
    const client = createParleyClient({ ...extra, url: app.url, token, WebSocket });
    clients.push(client);
    return client;
  };
  let person: ParleyClient['api'];
  let personId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ({ db, app } = server);
    const signedUp = await connect(null).api.auth.signUp.mutate({
      username: 'erin',
      password: PASSWORD,
    });
    person = connect(signedUp.token).api;
    personId = signedUp.user.id;
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.close();
  });

  it('shows the secret once, lists without it, and stores only its hash', async () => {
    const created = await person.tokens.create.mutate({ name: 'deploys' });
    expect(created.secret).toMatch(/^pat_[A-Za-z0-9_-]{40,}$/);
    expect(created.token).toMatchObject({ name: 'deploys', revokedAt: null });
    expect(created.token).not.toHaveProperty('secret');

    const listed = await person.tokens.list.query();
    const mine = listed.find((t) => t.id === created.token.id);
    expect(mine).toMatchObject({ name: 'deploys', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    for (const token of listed) {
      expect(Object.keys(token).sort()).toEqual(
        ['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt'].sort(),
      );
    }

    const rows = await db.db.select().from(apiTokens).where(eq(apiTokens.id, created.token.id));
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.secretHash).toBe(hashBotSecret(created.secret));
    expect(JSON.stringify(rows)).not.toContain(created.secret);
    // Not even the random part of the secret is kept.
    expect(JSON.stringify(rows)).not.toContain(created.secret.slice(4));
  });

  it('works as a bearer token over HTTP, acting as its person but not managing tokens', async () => {
    const { secret } = await person.tokens.create.mutate({ name: 'http' });
    const bot = connect(secret).api;
    expect(await bot.auth.me.query()).toMatchObject({ id: personId, username: 'erin' });
    const room = await person.rooms.create.mutate({ name: 'bots-http', visibility: 'public' });
    const sent = await bot.messages.send.mutate({ roomId: room.id, body: 'beep', clientId: 'h1' });
    expect(sent.author.id).toBe(personId);

    expect(await failsWith(bot.tokens.list.query())).toBe('FORBIDDEN');
    expect(await failsWith(bot.tokens.create.mutate({ name: 'more' }))).toBe('FORBIDDEN');
    // A made-up token of the right shape is nobody.
    const stranger = connect(`pat_${'x'.repeat(43)}`).api;
    expect(await stranger.auth.me.query()).toBeNull();
    expect(await failsWith(stranger.rooms.list.query())).toBe('UNAUTHORIZED');
  });

  it('works via connectionParams over the WebSocket', async () => {
    const { secret } = await person.tokens.create.mutate({ name: 'ws' });
    const room = await person.rooms.create.mutate({ name: 'bots-ws', visibility: 'public' });
    const bot = connect(secret);
    const bodies: string[] = [];
    let started = false;
    const subscription = bot.api.live.roomEvents.subscribe(
      { roomId: room.id },
      {
        onStarted: () => {
          started = true;
        },
        onData: ({ data }) => bodies.push(data.message.body),
      },
    );
    await until(() => started, 'the subscription to start');
    await person.messages.send.mutate({ roomId: room.id, body: 'hello bot', clientId: 'w1' });
    await until(() => bodies.length === 1, 'the event over the socket');
    expect(bodies).toEqual(['hello bot']);
    subscription.unsubscribe();
  });

  it('stops working when revoked, and its open subscription ends', async () => {
    const { secret, token } = await person.tokens.create.mutate({ name: 'revoke-me' });
    const room = await person.rooms.create.mutate({ name: 'bots-revoke', visibility: 'public' });
    const closeCodes: (number | undefined)[] = [];
    let revoked = false;
    const bot = connect(secret, {
      onClose: (code) => closeCodes.push(code),
      onRevoked: () => {
        revoked = true;
      },
    });
    const bodies: string[] = [];
    let started = false;
    let ended = false;
    bot.api.live.roomEvents.subscribe(
      { roomId: room.id },
      {
        onStarted: () => {
          started = true;
        },
        onData: ({ data }) => bodies.push(data.message.body),
        onError: () => {
          ended = true;
        },
        onComplete: () => {
          ended = true;
        },
      },
    );
    await until(() => started, 'the subscription to start');
    await person.messages.send.mutate({ roomId: room.id, body: 'before', clientId: 'r1' });
    await until(() => bodies.length === 1, 'an event before revoking');

    expect(await person.tokens.revoke.mutate({ tokenId: token.id })).toEqual({
      tokenId: token.id,
    });
    // The server closes the token's socket, which ends the subscription.
    await until(() => ended, 'the subscription to end after revoking');
    expect(closeCodes).toContain(CLOSE_REVOKED);
    expect(revoked).toBe(true);

    await person.messages.send.mutate({ roomId: room.id, body: 'after', clientId: 'r2' });
    expect(await failsWith(connect(secret).api.rooms.list.query())).toBe('UNAUTHORIZED');
    expect(bodies).toEqual(['before']);

    const listed = await person.tokens.list.query();
    expect(listed.find((t) => t.id === token.id)?.revokedAt).toEqual(expect.any(String));
    // Revoking again is harmless; someone else's token is not found.
    expect(await failsWith(person.tokens.revoke.mutate({ tokenId: token.id }))).toBe('ok');
    const other = await connect(null).api.auth.signUp.mutate({
      username: 'frank',
      password: PASSWORD,
    });
    const frank = connect(other.token).api;
    expect(await failsWith(frank.tokens.revoke.mutate({ tokenId: token.id }))).toBe('NOT_FOUND');
  });

  it('cannot open a socket once revoked', async () => {
    const { secret, token } = await person.tokens.create.mutate({ name: 'revoked-first' });
    await person.tokens.revoke.mutate({ tokenId: token.id });
    const room = await person.rooms.create.mutate({ name: 'bots-closed', visibility: 'public' });
    const closeCodes: (number | undefined)[] = [];
    const bot = connect(secret, { onClose: (code) => closeCodes.push(code) });
    let data = 0;
    const subscription = bot.api.live.roomEvents.subscribe(
      { roomId: room.id },
      { onData: () => data++ },
    );
    // The server refuses the socket's credentials and closes it.
    await until(() => closeCodes.length > 0, 'the server to close the socket');
    await person.messages.send.mutate({ roomId: room.id, body: 'nope', clientId: 'c1' });
    expect(data).toBe(0);
    subscription.unsubscribe();
  });
});
