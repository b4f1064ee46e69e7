/**
 * Issue 12, the account: display name (live), password change (other sessions end, their
 * sockets close), sessions, and scrypt parameters stored with each hash (upgraded at sign-in).
 */
import type { ActivityEvent, UserEvent } from '@parley/api-contract/schemas';
import { sessions, users } from '@parley/db';
import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, OWASP_SCRYPT } from '../../src/auth/passwords.js';
import { loadConfig } from '../../src/config.js';
import {
  clientId,
  connect,
  type Person,
  rawSocket,
  signUp,
  startServer,
  waitFor,
} from '../support/harness.js';

const PASSWORD = 'correct horse battery';
/** Not the test default: so a hash made with the default is outdated here. */
const HASHING = { N: 2 ** 11, r: 8, p: 1 };

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer({ passwordHashing: HASHING });
});
afterAll(() => server?.close());

const failureOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return { code: error.data?.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail');
};

/** Another session of the same person (a second device), with its own client. */
async function secondDevice(person: Person) {
  const anon = connect(server.url);
  const { token } = await anon.client.auth.signIn.mutate({
    username: person.user.username,
    password: PASSWORD,
  });
  anon.close();
  return { token, ...connect(server.url, token) };
}

/** Subscribes to the user's own events on a socket of its own; `ended` once the socket is refused. */
function watchUser(person: { client: Connected['client'] }) {
  const events: UserEvent[] = [];
  const errors: unknown[] = [];
  let started = false;
  const sub = person.client.live.userEvents.subscribe(undefined, {
    onStarted: () => {
      started = true;
    },
    onData: (event) => events.push(event),
    onError: (error) => errors.push(error),
  });
  return { events, errors, started: () => started, stop: () => sub.unsubscribe() };
}
type Connected = ReturnType<typeof connect>;

describe('account', () => {
  it('a new display name is live in the rooms, the DM peer’s list and the history', async () => {
    const ana = await signUp(server.url, 'ana_name');
    const ben = await signUp(server.url, 'ben_name');
    const room = await ana.client.rooms.create.mutate({ name: 'names', visibility: 'private' });
    await ana.client.rooms.invite.mutate({ roomId: room.id, username: ben.user.username });
    const direct = await ana.client.rooms.openDirect.mutate({ username: ben.user.username });
    // (An empty DM is only the opener's until its first message.)
    await ana.client.messages.send.mutate({
      roomId: direct.id,
      body: 'psst',
      clientId: clientId(),
    });
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'hi', clientId: clientId() });

    const activity: ActivityEvent[] = [];
    const roomSub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      { onData: (event) => activity.push(event) },
    );
    const benEvents = watchUser(ben);
    await waitFor(() => activity.length > 0 && benEvents.started(), 'subscriptions started');

    const renamed = await ana.client.auth.updateProfile.mutate({ displayName: '  Ana Lima ' });
    expect(renamed).toEqual({ ...ana.user, displayName: 'Ana Lima' });

    await waitFor(
      () => activity.some((e) => e.type === 'user.updated' && e.user.displayName === 'Ana Lima'),
      'the room hears of the new name',
    );
    await waitFor(
      () => benEvents.events.some((e) => e.type === 'user.updated' && e.user.id === ana.user.id),
      'the DM peer hears of the new name',
    );
    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items[0]?.author.displayName).toBe('Ana Lima');
    const members = await ben.client.rooms.members.query({ roomId: room.id });
    expect(members.find((m) => m.id === ana.user.id)?.displayName).toBe('Ana Lima');
    const dm = (await ben.client.rooms.list.query()).find((r) => r.kind === 'direct');
    expect(dm?.name).toBe('Ana Lima');
    expect((await ana.client.auth.me.query())?.displayName).toBe('Ana Lima');

    const empty = await failureOf(ana.client.auth.updateProfile.mutate({ displayName: '   ' }));
    expect(empty).toEqual({ code: 'BAD_REQUEST', message: 'Display names cannot be empty.' });
    roomSub.unsubscribe();
    benEvents.stop();
    for (const p of [ana, ben]) p.close();
  });

  it('changing the password signs out every other session at once; this one stays', async () => {
    const cleo = await signUp(server.url, 'cleo_pw');
    const laptop = await secondDevice(cleo);
    const onLaptop = watchUser(laptop);
    await waitFor(() => onLaptop.started(), 'the laptop listening');
    const bare = rawSocket(server.url, laptop.token);
    await bare.ready;

    const wrong = await failureOf(
      cleo.client.auth.changePassword.mutate({
        currentPassword: 'not my password',
        newPassword: 'a brand new password',
      }),
    );
    expect(wrong).toEqual({ code: 'BAD_REQUEST', message: 'Your current password is not right.' });
    expect((await laptop.client.auth.me.query())?.id).toBe(cleo.user.id);

    const started = Date.now();
    const done = await cleo.client.auth.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: 'a brand new password',
    });
    expect(done).toEqual({ ok: true, signedOutSessions: 1 });
    // The laptop's socket is closed by the server (4401): its subscription errors out.
    await waitFor(() => onLaptop.errors.length > 0, 'the laptop socket closed', 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The close reason says why, for the client to tell its person.
    expect(await bare.closed).toEqual({ code: 4401, reason: 'password-changed' });
    expect(await laptop.client.auth.me.query()).toBeNull();
    expect((await cleo.client.auth.me.query())?.id).toBe(cleo.user.id);

    const anon = connect(server.url);
    const old = await failureOf(
      anon.client.auth.signIn.mutate({ username: cleo.user.username, password: PASSWORD }),
    );
    expect(old.code).toBe('UNAUTHORIZED');
    const fresh = await anon.client.auth.signIn.mutate({
      username: cleo.user.username,
      password: 'a brand new password',
    });
    expect(fresh.user.id).toBe(cleo.user.id);
    onLaptop.stop();
    for (const c of [anon, laptop, cleo]) c.close();
  });

  it('lists my sessions with device, address and times; revoking one closes its sockets', async () => {
    const dan = await signUp(server.url, 'dan_sessions');
    const phone = await secondDevice(dan);
    const other = await signUp(server.url, 'eve_sessions');
    const listed = await dan.client.auth.sessions.query();
    expect(listed).toHaveLength(2);
    const current = listed.filter((s) => s.current);
    expect(current).toHaveLength(1);
    for (const s of listed) {
      expect(s.address).toBe('127.0.0.1');
      expect(s.userAgent).toBeTruthy();
      expect(Date.parse(s.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(s.lastUsedAt).not.toBeNull();
    }
    const phoneSession = listed.find((s) => !s.current);
    if (!phoneSession) throw new Error('no second session');

    // Someone else's session is "not found", and stays alive.
    const theirs = await failureOf(
      other.client.auth.revokeSession.mutate({ sessionId: phoneSession.id }),
    );
    expect(theirs.code).toBe('NOT_FOUND');

    const onPhone = watchUser(phone);
    await waitFor(() => onPhone.started(), 'the phone listening');
    await dan.client.auth.revokeSession.mutate({ sessionId: phoneSession.id });
    await waitFor(() => onPhone.errors.length > 0, 'the phone socket closed', 5_000);
    expect(await phone.client.auth.me.query()).toBeNull();
    expect((await dan.client.auth.sessions.query()).map((s) => s.id)).toEqual(
      listed.filter((s) => s.current).map((s) => s.id),
    );
    onPhone.stop();
    for (const c of [dan, phone, other]) c.close();
  });

  it('stores the scrypt parameters with each hash and rehashes outdated ones at sign-in', async () => {
    const fay = await signUp(server.url, 'fay_hash');
    const hashOf = async () => {
      const [row] = await server.db.db
        .select({ hash: users.passwordHash })
        .from(users)
        .where(eq(users.id, fay.user.id));
      return row?.hash ?? '';
    };
    expect(await hashOf()).toMatch(/^scrypt\$2048\$8\$1\$[^$]+\$[^$]+$/);
    // As if the account had been created when the cost was lower.
    const old = await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
    await server.db.db.update(users).set({ passwordHash: old }).where(eq(users.id, fay.user.id));
    const anon = connect(server.url);
    await anon.client.auth.signIn.mutate({ username: fay.user.username, password: PASSWORD });
    const upgraded = await hashOf();
    expect(upgraded).toMatch(/^scrypt\$2048\$8\$1\$/);
    expect(upgraded).not.toBe(old);
    // A wrong password never rewrites the hash.
    await server.db.db.update(users).set({ passwordHash: old }).where(eq(users.id, fay.user.id));
    await failureOf(
      anon.client.auth.signIn.mutate({ username: fay.user.username, password: 'wrong one!' }),
    );
    expect(await hashOf()).toBe(old);
    // The upgraded hash still signs in.
    await server.db.db
      .update(users)
      .set({ passwordHash: upgraded })
      .where(eq(users.id, fay.user.id));
    const again = await anon.client.auth.signIn.mutate({
      username: fay.user.username,
      password: PASSWORD,
    });
    expect(again.user.id).toBe(fay.user.id);
    anon.close();
    fay.close();
  });

  it('uses OWASP’s scrypt cost (N=2^17, r=8, p=1) unless configured otherwise', () => {
    const secret = { PARLEY_SECRET: 'x'.repeat(32) };
    expect(loadConfig(secret).passwordHashing).toEqual(OWASP_SCRYPT);
    expect(OWASP_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    expect(loadConfig({ ...secret, PARLEY_SCRYPT_N: '65536' }).passwordHashing.N).toBe(65536);
    expect(() => loadConfig({ ...secret, PARLEY_SCRYPT_N: '100000' })).toThrow(/power of two/);
  });

  it('bot tokens cannot change the account', async () => {
    const gil = await signUp(server.url, 'gil_bot');
    const { secret } = await gil.client.tokens.create.mutate({ name: 'bot' });
    const bot = connect(server.url, secret);
    const refused = await failureOf(bot.client.auth.updateProfile.mutate({ displayName: 'x' }));
    expect(refused.code).toBe('FORBIDDEN');
    bot.close();
    gil.close();
    // (sessions were never touched)
    const rows = await server.db.db.select().from(sessions).where(eq(sessions.userId, gil.user.id));
    expect(rows.every((r) => r.revokedAt === null)).toBe(true);
  });
});
