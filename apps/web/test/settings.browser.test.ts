/**
 * Settings and Admin in a real browser, two people (and more) in separate browser contexts
 * against a production-mode server on a fresh database: bot tokens used from a Node program,
 * a new display name live elsewhere, a password change signing the other browser out, an
 * invite-only workspace joined through an invite link, and a deactivated person shown out.
 */
import { createParleyClient } from '@parley/api-contract';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ApiClient,
  browserSkipReason,
  buildWeb,
  launchChromium,
  SEED_PASSWORD,
  seedUser,
  signInContext,
  startServer,
  type TestServer,
} from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };
/** "Within seconds": how long a revoked session may take to reach the sign-in screen. */
const SIGNED_OUT_WITHIN = { timeout: 5_000 };

const log = (page: Page) => page.getByRole('log');
const messageWith = (page: Page, text: string | RegExp) =>
  log(page).locator('article.msg').filter({ hasText: text });

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor(WAIT);
}

/** Shown when the session was ended elsewhere. */
const signedOutNotice = (page: Page) => page.getByRole('alert').filter({ hasText: /signed out/ });

describe.skipIf(skip !== null)('Settings and Admin in Chromium', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let owner: ApiClient;
  let ana: ApiClient;
  let roomId: string;

  async function pageFor(username: string | null, hash = ''): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    ctx.setDefaultTimeout(15_000);
    contexts.push(ctx);
    if (username) await signInContext(ctx, server.url, username);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
    await page.goto(`${server.url}/${hash}`);
    return page;
  }

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    browser = await launchChromium();
    // The first account is the workspace's owner.
    owner = (await seedUser(server.url, 'olive', 'Olive Owner')).client;
    ana = (await seedUser(server.url, 'ana', 'Ana')).client;
    await seedUser(server.url, 'ben', 'Ben');
    const room = await ana.rooms.create.mutate({ name: 'launch', visibility: 'public' });
    roomId = room.id;
    await ana.rooms.invite.mutate({ roomId, username: 'ben' });
    await ana.messages.send.mutate({ roomId, body: 'Hello from Ana', clientId: 'seed-ana-1' });
  });

  // One story, step by step: after a failed step the rest would only fail noisily.
  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.cleanup();
  });

  let a: Page;
  let b: Page;

  it('a bot token created in Settings works from createParleyClient, and revoking it stops it', async () => {
    a = await pageFor('ana', `#/room/${roomId}`);
    b = await pageFor('ben', `#/room/${roomId}`);
    await messageWith(b, 'Hello from Ana').waitFor(WAIT);

    await openSettings(a);
    await a.getByLabel('Token name').fill('dicebot');
    await a.getByRole('button', { name: 'Create token' }).click();
    await a.getByText('it will not be shown again').waitFor(WAIT);
    const secret = await a.getByLabel('Secret of “dicebot”').inputValue();
    expect(secret).toMatch(/^pat_/);
    await a.getByRole('button', { name: 'I have copied it' }).click();
    expect(await a.getByLabel('Secret of “dicebot”').count()).toBe(0);
    await a.getByRole('list', { name: 'Bot tokens' }).getByText('dicebot').waitFor(WAIT);

    // The bot README's way: createParleyClient with `ws` in Node.
    const bot = createParleyClient({ url: server.url, token: secret, WebSocket });
    try {
      const me = await bot.api.auth.me.query();
      expect(me?.username).toBe('ana');
      await bot.api.messages.send.mutate({ roomId, body: 'Rolled a 6', clientId: 'bot-roll-1' });
      await messageWith(b, 'Rolled a 6').waitFor(WAIT);

      // Revoke, with a confirmation first.
      await a.getByRole('button', { name: 'Revoke dicebot' }).click();
      const dialog = a.getByRole('dialog', { name: 'Revoke “dicebot”?' });
      await dialog.getByText('cannot be undone').waitFor(WAIT);
      await dialog.getByRole('button', { name: 'Revoke token' }).click();
      await dialog.waitFor({ state: 'detached', ...WAIT });
      await a
        .getByRole('list', { name: 'Bot tokens' })
        .locator('li', { hasText: 'dicebot' })
        .getByText('Revoked', { exact: true })
        .waitFor(WAIT);
      await expect(bot.api.auth.me.query()).resolves.toBeNull();
      await expect(
        bot.api.messages.send.mutate({ roomId, body: 'too late', clientId: 'bot-roll-2' }),
      ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    } finally {
      bot.close();
    }
  });

  it('a new display name shows live in the other browser, and in my own account bar', async () => {
    const field = a.getByLabel('Display name');
    await field.fill('Ana Lima');
    await a.getByRole('button', { name: 'Save name' }).click();
    await a.getByText('people now see you as Ana Lima').waitFor(WAIT);
    await a.locator('.sidebar-foot').getByText('Ana Lima').waitFor(WAIT);
    // Ben still has the room open: Ana's message now carries her new name, no reload.
    await messageWith(b, 'Hello from Ana').getByText('Ana Lima').waitFor(WAIT);
  });

  let other: Page;

  it('changing the password signs the other browser out within seconds, with a message', async () => {
    other = await pageFor('ana', `#/room/${roomId}`);
    await messageWith(other, 'Hello from Ana').waitFor(WAIT);

    // A wrong current password is refused next to the field.
    await a.getByLabel('Current password').fill('not my password');
    await a.getByLabel('New password').fill('a brand new passphrase');
    await a.getByRole('button', { name: 'Change password' }).click();
    await a.getByText('Your current password is not right.').waitFor(WAIT);

    await a.getByLabel('Current password').fill(SEED_PASSWORD);
    await a.getByRole('button', { name: 'Change password' }).click();
    await a
      .getByText(/Password changed\. \d+ other sessions? (was|were) signed out\./)
      .waitFor(WAIT);

    await signedOutNotice(other)
      .filter({ hasText: 'Your password was changed on another device' })
      .waitFor(SIGNED_OUT_WITHIN);
    await other.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    // This browser stays in.
    await a.getByRole('heading', { name: 'Settings', level: 1 }).waitFor(WAIT);
    const sessions = a.getByRole('list', { name: 'Sessions' });
    await expect.poll(() => sessions.locator('li').count(), WAIT).toBe(1);
    await sessions.getByText('This device').waitFor(WAIT);

    // The new password works there.
    await other.getByLabel('Username').fill('ana');
    await other.getByLabel('Password').fill('a brand new passphrase');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    expect(await signedOutNotice(other).count()).toBe(0);
  });

  it('sessions: another device shows up and can be signed out', async () => {
    await a.reload();
    const sessions = a.getByRole('list', { name: 'Sessions' });
    await expect.poll(() => sessions.locator('li').count(), WAIT).toBe(2);
    await sessions.getByRole('button', { name: /^Sign out / }).click();
    await a
      .getByRole('dialog', { name: 'Sign out this session?' })
      .getByRole('button', { name: 'Sign out', exact: true })
      .click();
    await expect.poll(() => sessions.locator('li').count(), WAIT).toBe(1);
    await signedOutNotice(other)
      .filter({ hasText: 'from another device' })
      .waitFor(SIGNED_OUT_WITHIN);
  });

  it('the Admin screen is the owner’s only', async () => {
    await openSettings(a);
    expect(await a.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await a.goto(`${server.url}/#/admin`);
    // Not the owner: no Admin screen (the welcome instead).
    await a.getByRole('heading', { name: 'Pick a conversation' }).waitFor(WAIT);
    expect(await a.getByRole('heading', { name: 'Admin' }).count()).toBe(0);
  });

  let admin: Page;

  it('the owner makes sign-up invite-only; sign-up without an invite is refused, clearly', async () => {
    admin = await pageFor('olive');
    await openSettings(admin);
    await admin.getByRole('link', { name: 'Admin' }).click();
    await admin.getByRole('heading', { name: 'Admin', level: 1 }).waitFor(WAIT);
    await admin.getByLabel(/Invite only/).check();
    await admin.getByText('Saved: sign-up is now invite only.').waitFor(WAIT);

    const stranger = await pageFor(null);
    await stranger.getByRole('button', { name: 'Create an account' }).click();
    await stranger.getByLabel('Username').fill('sam');
    await stranger.getByLabel('Password').fill('correct horse battery');
    await stranger.getByRole('button', { name: 'Create account' }).click();
    await stranger
      .getByRole('alert')
      .filter({ hasText: 'This workspace is invite-only' })
      .waitFor(WAIT);
  });

  it('a new person signs up through the invite link', async () => {
    await admin.getByLabel('Uses (empty: no limit)').fill('1');
    await admin.getByRole('button', { name: 'Create invite link' }).click();
    const link = await admin.getByLabel('Invite link', { exact: true }).inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/\\?invite=[\\w-]+$`));
    await admin.getByRole('button', { name: 'Done' }).click();
    const invites = admin.getByRole('list', { name: 'Invites' });
    await invites.getByText('used 0 of 1').waitFor(WAIT);

    const sam = await pageFor(null);
    await sam.goto(link);
    await sam.getByRole('heading', { name: 'Create your account' }).waitFor(WAIT);
    await sam.getByText('You have been invited').waitFor(WAIT);
    await sam.getByLabel('Username').fill('sam');
    await sam.getByLabel('Display name (optional)').fill('Sam');
    await sam.getByLabel('Password').fill('correct horse battery');
    await sam.getByRole('button', { name: 'Create account' }).click();
    await sam.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    expect(new URL(sam.url()).search).toBe('');

    // Used up: the same link refuses the next person, saying why.
    const late = await pageFor(null);
    await late.goto(link);
    await late.getByLabel('Username').fill('latecomer');
    await late.getByLabel('Password').fill('correct horse battery');
    await late.getByRole('button', { name: 'Create account' }).click();
    await late.getByRole('alert').filter({ hasText: 'This invite is not valid' }).waitFor(WAIT);
    await admin.reload();
    await invites.getByText('used up').waitFor(WAIT);
  });

  it('closed sign-up is refused with a clear message', async () => {
    await admin.getByLabel(/Closed/).check();
    await admin.getByText('Saved: sign-up is now closed.').waitFor(WAIT);
    const stranger = await pageFor(null);
    await stranger.getByRole('button', { name: 'Create an account' }).click();
    await stranger.getByLabel('Username').fill('tom');
    await stranger.getByLabel('Password').fill('correct horse battery');
    await stranger.getByRole('button', { name: 'Create account' }).click();
    await stranger.getByRole('alert').filter({ hasText: 'Sign-up is closed' }).waitFor(WAIT);
  });

  it('deactivating someone signs their browser out at once; their sign-in is refused, clearly', async () => {
    await messageWith(b, 'Rolled a 6').waitFor(WAIT);
    const people = admin.getByRole('list', { name: 'People' });
    await admin.getByLabel('Search people').fill('ben');
    await expect.poll(() => people.locator('li').count(), WAIT).toBe(1);
    await people.getByRole('button', { name: 'Deactivate @ben' }).click();
    await admin
      .getByRole('dialog', { name: 'Deactivate Ben (@ben)?' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await people.getByText('Deactivated', { exact: true }).waitFor(WAIT);

    await signedOutNotice(b)
      .filter({ hasText: 'the workspace owner deactivated your account' })
      .waitFor(SIGNED_OUT_WITHIN);
    await b.getByLabel('Username').fill('ben');
    await b.getByLabel('Password').fill(SEED_PASSWORD);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await b
      .getByRole('alert')
      .filter({ hasText: 'This account has been deactivated' })
      .waitFor(WAIT);

    // Reactivated, Ben can sign in again.
    await people.getByRole('button', { name: 'Reactivate @ben' }).click();
    await admin
      .getByRole('dialog', { name: 'Reactivate Ben (@ben)?' })
      .getByRole('button', { name: 'Reactivate' })
      .click();
    await expect.poll(() => people.getByText('Deactivated', { exact: true }).count(), WAIT).toBe(0);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await b.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    await owner.admin.updateSettings.mutate({ signUp: 'open' });
  });
});
