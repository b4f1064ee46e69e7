/**
 * Issue 12, the workspace: the first account is the owner; sign-up open, invite-only or closed;
 * invites that expire, run out or are revoked; deactivation that ends sessions, tokens and
 * sockets at once and refuses sign-in with a clear message.
 */
import type { UserEvent } from '@parley/api-contract/schemas';
import { invites } from '@parley/db';
import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  type Person,
  rawSocket,
  signUp,
  startServer,
  waitFor,
} from '../support/harness.js';

const PASSWORD = 'correct horse battery';

let server: Awaited<ReturnType<typeof startServer>>;
let owner: Person;
beforeAll(async () => {
  server = await startServer();
  owner = await signUp(server.url, 'the_owner');
});
afterAll(async () => {
  await owner?.client.admin.updateSettings.mutate({ signUp: 'open' }).catch(() => {});
  await server?.close();
});

const failureOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return { code: error.data?.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail');
};

let n = 0;
function attempt(invite?: string) {
  const anon = connect(server.url);
  return anon.client.auth.signUp
    .mutate({ username: `joiner_${++n}`, password: PASSWORD, invite })
    .finally(() => anon.close());
}

describe('workspace', () => {
  it('the first account is the owner; everyone after is a member', async () => {
    expect((await owner.client.auth.me.query())?.role).toBe('owner');
    const second = await signUp(server.url, 'second_one');
    expect((await second.client.auth.me.query())?.role).toBe('member');
    const refused = await failureOf(second.client.admin.settings.query());
    expect(refused).toEqual({
      code: 'FORBIDDEN',
      message: 'Only the workspace owner can do this.',
    });
    expect(await owner.client.admin.settings.query()).toEqual({ signUp: 'open' });
    second.close();
  });

  it('invite-only: refused without an invite, works with a valid one, not with a used-up, expired or revoked one', async () => {
    await owner.client.admin.updateSettings.mutate({ signUp: 'invite' });
    expect(await owner.client.admin.settings.query()).toEqual({ signUp: 'invite' });

    const without = await failureOf(attempt());
    expect(without.code).toBe('FORBIDDEN');
    expect(without.message).toMatch(/invite-only: sign up with the invite link/);

    const once = await owner.client.admin.createInvite.mutate({ maxUses: 1 });
    expect(once.path).toBe(`/?invite=${once.code}`);
    expect(once.invite).toMatchObject({ maxUses: 1, uses: 0, status: 'active' });
    const joined = await attempt(once.code);
    expect(joined.user.username).toMatch(/^joiner_/);

    const usedUp = await failureOf(attempt(once.code));
    expect(usedUp.code).toBe('FORBIDDEN');
    expect(usedUp.message).toMatch(/not valid: it may have expired, been used up or been revoked/);

    const expiring = await owner.client.admin.createInvite.mutate({ expiresInHours: 1 });
    await server.db.db
      .update(invites)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invites.id, expiring.invite.id));
    expect((await failureOf(attempt(expiring.code))).code).toBe('FORBIDDEN');

    const revoked = await owner.client.admin.createInvite.mutate({});
    await owner.client.admin.revokeInvite.mutate({ inviteId: revoked.invite.id });
    expect((await failureOf(attempt(revoked.code))).code).toBe('FORBIDDEN');
    expect((await failureOf(attempt('made-up-code'))).code).toBe('FORBIDDEN');

    // A taken username does not use up the invite.
    const twice = await owner.client.admin.createInvite.mutate({ maxUses: 1 });
    const anon = connect(server.url);
    const taken = await failureOf(
      anon.client.auth.signUp.mutate({
        username: 'the_owner',
        password: PASSWORD,
        invite: twice.code,
      }),
    );
    expect(taken.code).toBe('CONFLICT');
    await attempt(twice.code);
    anon.close();

    const listed = await owner.client.admin.listInvites.query();
    const status = (id: string) => listed.find((i) => i.id === id)?.status;
    expect(status(once.invite.id)).toBe('used up');
    expect(status(expiring.invite.id)).toBe('expired');
    expect(status(revoked.invite.id)).toBe('revoked');
    expect(listed.find((i) => i.id === once.invite.id)?.uses).toBe(1);
    await owner.client.admin.updateSettings.mutate({ signUp: 'open' });
  });

  it('closed: no one signs up, not even with an invite', async () => {
    const invite = await owner.client.admin.createInvite.mutate({});
    await owner.client.admin.updateSettings.mutate({ signUp: 'closed' });
    const refused = await failureOf(attempt(invite.code));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/Sign-up is closed/);
    await owner.client.admin.updateSettings.mutate({ signUp: 'open' });
    await attempt();
  });

  it('deactivating someone closes their sockets, stops their tokens and refuses their sign-in', async () => {
    const kim = await signUp(server.url, 'kim_gone');
    const { secret } = await kim.client.tokens.create.mutate({ name: 'kim bot' });
    const bot = connect(server.url, secret);
    const errors: unknown[] = [];
    let started = 0;
    const watch = (who: { client: Person['client'] }) =>
      who.client.live.userEvents.subscribe(undefined, {
        onStarted: () => started++,
        onData: (_: UserEvent) => {},
        onError: (error) => errors.push(error),
      });
    const subs = [watch(kim), watch(bot)];
    await waitFor(() => started === 2, 'both sockets open');
    const bare = rawSocket(server.url, kim.token);
    await bare.ready;

    await owner.client.admin.deactivateUser.mutate({ userId: kim.user.id });
    await waitFor(() => errors.length === 2, 'both sockets closed', 5_000);
    expect(await bare.closed).toEqual({ code: 4401, reason: 'deactivated' });
    expect(await kim.client.auth.me.query()).toBeNull();
    expect(await bot.client.auth.me.query()).toBeNull();

    const anon = connect(server.url);
    const refused = await failureOf(
      anon.client.auth.signIn.mutate({ username: kim.user.username, password: PASSWORD }),
    );
    expect(refused).toEqual({
      code: 'FORBIDDEN',
      message:
        'This account has been deactivated by the workspace owner. Ask them to reactivate it.',
    });
    // The wrong password still reads as a wrong password: a guesser learns nothing.
    const guess = await failureOf(
      anon.client.auth.signIn.mutate({ username: kim.user.username, password: 'a wrong guess' }),
    );
    expect(guess.code).toBe('UNAUTHORIZED');

    const { users } = await owner.client.admin.users.query({ search: 'kim_' });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: kim.user.id, deactivated: true });

    await owner.client.admin.reactivateUser.mutate({ userId: kim.user.id });
    const back = await anon.client.auth.signIn.mutate({
      username: kim.user.username,
      password: PASSWORD,
    });
    expect(back.user.id).toBe(kim.user.id);
    // The old token stays revoked.
    expect(await bot.client.auth.me.query()).toBeNull();
    for (const s of subs) s.unsubscribe();
    for (const c of [anon, bot, kim]) c.close();
  });

  it('the owner cannot deactivate themself, and lists people a page at a time', async () => {
    const self = await failureOf(
      owner.client.admin.deactivateUser.mutate({ userId: owner.user.id }),
    );
    expect(self.code).toBe('BAD_REQUEST');
    const first = await owner.client.admin.users.query({});
    expect(first.users.map((u) => u.username)).toEqual(
      [...first.users.map((u) => u.username)].sort(),
    );
    expect(first.users.find((u) => u.id === owner.user.id)?.role).toBe('owner');
    expect(first.nextCursor).toBeNull();
  });
});
