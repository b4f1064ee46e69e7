import { sessions, users } from '@parley/db';
import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD_HASHING } from '../../src/testing.js';
import { connect, signUp, startServer, waitFor } from '../support/harness.js';

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? error.data?.code : error);

describe('accounts', () => {
  it('usernames are unique case-insensitively and passwords are stored as scrypt hashes', async () => {
    const anon = connect(server.app.url);
    await anon.client.auth.signUp.mutate({ username: 'Dana', password: 'long enough pw' });
    const dup = await anon.client.auth.signUp
      .mutate({ username: 'DANA', password: 'another password' })
      .catch(codeOf);
    expect(dup).toBe('CONFLICT');
    const [row] = await server.db.db.select().from(users).where(eq(users.username, 'dana'));
    // The test cost (testing.ts); production's default is OWASP's N=2^17 (account.test.ts).
    expect(row?.passwordHash).toMatch(
      new RegExp(`^scrypt\\$${TEST_PASSWORD_HASHING.N}\\$8\\$1\\$`),
    );
    expect(row?.passwordHash).not.toContain('long enough pw');
    anon.close();
  });

  it('signs in with the right password only, with the same message for unknown users', async () => {
    const anon = connect(server.app.url);
    await anon.client.auth.signUp.mutate({ username: 'eli', password: 'the password' });
    const ok = await anon.client.auth.signIn.mutate({ username: 'ELI', password: 'the password' });
    expect(ok.user.username).toBe('eli');
    const wrong = await anon.client.auth.signIn
      .mutate({ username: 'eli', password: 'not the password' })
      .catch((e: TRPCClientError<never>) => e);
    const unknown = await anon.client.auth.signIn
      .mutate({ username: 'nobody_here', password: 'whatever1' })
      .catch((e: TRPCClientError<never>) => e);
    expect(codeOf(wrong)).toBe('UNAUTHORIZED');
    expect(codeOf(unknown)).toBe('UNAUTHORIZED');
    expect((wrong as Error).message).toBe((unknown as Error).message);
    anon.close();
  });

  it('sets an httpOnly SameSite cookie that authenticates, and signOut revokes it', async () => {
    const res = await fetch(`${server.app.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fay', password: 'cookie monster' }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^parley_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const sessionCookie = cookie.split(';')[0] ?? '';
    const me = async () =>
      (await (
        await fetch(`${server.app.url}/trpc/auth.me`, { headers: { cookie: sessionCookie } })
      ).json()) as {
        result?: { data: { username: string } | null };
      };
    expect((await me()).result?.data?.username).toBe('fay');
    const out = await fetch(`${server.app.url}/trpc/auth.signOut`, {
      method: 'POST',
      // As a browser sends it: a cookie-authenticated POST names its page's Origin (CSRF).
      headers: {
        cookie: sessionCookie,
        'content-type': 'application/json',
        origin: server.app.url,
      },
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/parley_session=;/);
    // The old cookie no longer works, even if a client kept it.
    expect((await me()).result?.data).toBeNull();
    const [session] = await server.db.db
      .select()
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(users.username, 'fay'));
    expect(session?.sessions.revokedAt).not.toBeNull();
  });

  it('signing out ends that session’s open subscriptions', async () => {
    const gus = await signUp(server.app.url, 'gus');
    const room = await gus.client.rooms.create.mutate({ name: 'gus room', visibility: 'private' });
    const baseline = server.app.deps.bus.listenerCount();
    const sub = gus.client.live.roomEvents.subscribe({ roomId: room.id }, {});
    await waitFor(() => server.app.deps.bus.listenerCount() > baseline, 'subscription listening');
    const before = server.app.wss.clients.size;
    expect(before).toBeGreaterThan(0);
    await gus.client.auth.signOut.mutate();
    // The server closes the socket (code 4401); the client's reconnect is refused.
    await waitFor(() => server.app.deps.bus.listenerCount() === baseline, 'subscription ended');
    const me = await gus.client.auth.me.query();
    expect(me).toBeNull();
    sub.unsubscribe();
    gus.close();
  });
});
