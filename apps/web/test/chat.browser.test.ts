/**
 * Parley in a real browser: two people in two browser contexts against a production-mode
 * server on a fresh database.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiClient, browserSkipReason, seedUser, signInContext, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

async function signUp(page: Page, url: string, username: string, displayName: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
}

const log = (page: Page) => page.getByRole('log');
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const messageWith = (page: Page, text: string | RegExp) =>
  log(page).locator('article.msg').filter({ hasText: text });

/** The bodies of the messages in view, in order. */
async function bodies(page: Page): Promise<string[]> {
  return log(page).locator('article.msg .body').allInnerTexts();
}

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

async function settled(page: Page) {
  await expect
    .poll(
      () =>
        log(page).locator('article.msg.sending, article.msg.waiting, article.msg.failed').count(),
      WAIT,
    )
    .toBe(0);
}

describe.skipIf(skip !== null)('web app in Chromium', () => {
  const { server, browser, ctxA, ctxB, a, b } = twoBrowsers();

  // One story, step by step: after a failed step the rest would only fail noisily.
  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  it('shows sign-up errors next to the field', async () => {
    await a.goto(server.url);
    await a.getByRole('button', { name: 'Create an account' }).click();
    await a.getByLabel('Username').fill('a!');
    await a.getByLabel('Password').fill('short');
    await a.getByRole('button', { name: 'Create account' }).click();
    const username = a.getByLabel('Username');
    await expect.poll(() => username.getAttribute('aria-invalid')).toBe('true');
    const described = await username.getAttribute('aria-describedby');
    expect(await a.locator(`[id="${described}"]`).textContent()).toMatch(/letters, digits and _/);
    expect(await a.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
  });

  it('a form whose checks cannot load says so, and works once they can', async () => {
    // The contract's schemas load apart from the first page: losing them must not freeze forms.
    const page = await ctxA.newPage();
    const schemas = /\/assets\/schemas-[\w-]+\.js$/;
    await page.route(schemas, (route) => route.abort());
    await page.goto(server.url);
    await page.getByLabel('Username').fill('nobody_here');
    await page.getByLabel('Password').fill('some password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Cannot reach Parley' }).waitFor(WAIT);
    await page.unroute(schemas);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Past the client-side checks: the server answers.
    await page.getByText('That username and password do not match.').waitFor(WAIT);
    await page.close();
  });

  it('two people sign up; A creates a room and invites B', async () => {
    await signUp(a, server.url, 'ana', 'Ana');
    await signUp(b, server.url, 'ben', 'Ben');

    await a.getByRole('button', { name: 'Create a room' }).first().click();
    await a.getByLabel('Room name').fill('launch');
    await a.getByLabel(/Private/).check();
    await a.getByRole('button', { name: 'Create room' }).click();
    await composer(a).waitFor(WAIT);
    await a.getByRole('button', { name: 'Invite' }).click();
    await a.getByLabel('Username to invite').fill('ben');
    await a.getByRole('dialog').getByRole('button', { name: 'Invite' }).click();
    await a.getByRole('dialog', { name: 'Invite to launch' }).waitFor(WAIT);
    await a.getByText('@ben can now see launch.').waitFor(WAIT);
    await a.getByRole('button', { name: 'Done' }).click();

    // B's sidebar learns about the room live, no reload.
    await b.getByRole('link', { name: /^launch/ }).click(WAIT);
    await composer(b).waitFor(WAIT);
    await b.getByRole('heading', { name: 'launch' }).waitFor(WAIT);
  });

  it('typing shows on the other side; messages and replies arrive live', async () => {
    await composer(a).pressSequentially('Hello', { delay: 20 });
    await b.getByText('Ana is typing…').waitFor(WAIT);

    await composer(a).press('Enter');
    await messageWith(b, 'Hello').waitFor(WAIT);

    const hello = messageWith(b, 'Hello');
    await hello.hover();
    await hello.getByRole('button', { name: 'Reply', exact: true }).click();
    await b.getByText('Replying to').waitFor();
    await send(b, 'Hi Ana, **good** to be here');

    const reply = messageWith(a, 'good to be here');
    await reply.waitFor(WAIT);
    // The reply shows what it answers, and the markdown rendered as an element.
    expect(await reply.locator('.reply-quote').textContent()).toMatch(/Ana\s*Hello/);
    expect(await reply.locator('.body strong').textContent()).toBe('good');
    await settled(b);
    expect(await bodies(b)).toEqual(['Hello', 'Hi Ana, good to be here']);
  });

  it('A edits (↑) then deletes; B sees both', async () => {
    await send(a, 'Shipping on Fridy');
    await messageWith(b, 'Shipping on Fridy').waitFor(WAIT);
    await settled(a);

    // ↑ in the empty composer edits my last message.
    await composer(a).press('ArrowUp');
    await a.getByText('Editing message').waitFor();
    expect(await composer(a).inputValue()).toBe('Shipping on Fridy');
    await composer(a).fill('Shipping on Friday');
    await composer(a).press('Enter');
    const edited = messageWith(b, 'Shipping on Friday');
    await edited.waitFor(WAIT);
    await edited.getByText('(edited)').waitFor(WAIT);

    const mine = messageWith(a, 'Shipping on Friday');
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete' }).click();
    await mine.getByRole('button', { name: 'Confirm delete' }).click();
    await messageWith(b, 'This message was deleted.').waitFor(WAIT);
    expect(await messageWith(b, 'Shipping on Friday').count()).toBe(0);
  });

  it('B goes offline while A sends 5; back online B has each exactly once, in order', async () => {
    await ctxB.setOffline(true);
    await b.getByText(/Reconnecting…/).waitFor(WAIT);

    const batch = [1, 2, 3, 4, 5].map((n) => `Catch-up ${n}`);
    for (const text of batch) await send(a, text);
    await settled(a);
    expect((await bodies(a)).filter((t) => t.startsWith('Catch-up'))).toEqual(batch);
    // The server has all five; B, offline, has none of them.
    expect((await bodies(b)).filter((t) => t.startsWith('Catch-up'))).toEqual([]);

    await ctxB.setOffline(false);
    await messageWith(b, 'Catch-up 5').waitFor(WAIT);
    await expect
      .poll(async () => (await bodies(b)).filter((t) => t.startsWith('Catch-up')), WAIT)
      .toEqual(batch);
    await b.getByText(/Reconnecting…/).waitFor({ state: 'hidden', ...WAIT });

    // Live again afterwards, and still nothing doubled.
    await send(a, 'Back in sync?');
    await messageWith(b, 'Back in sync?').waitFor(WAIT);
    const all = await bodies(b);
    expect(all.filter((t) => t.startsWith('Catch-up'))).toEqual(batch);
    expect(new Set(all).size).toBe(all.length);
  });

  it('ten messages sent as fast as the composer allows arrive 1..10 on the other side', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => `Quick ${i + 1}`);
    // A jittery network: each send request takes a little less time than the one before, so
    // sends that were in flight together would overtake each other on the way.
    const sends = /\/trpc\/[^?]*messages\.send/;
    let request = 0;
    await a.route(sends, async (route) => {
      const delay = Math.max(0, 300 - 30 * request++);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await route.continue();
    });
    // No waiting between them: each Enter queues the next while earlier ones are in flight.
    for (const text of batch) await send(a, text);
    await messageWith(b, 'Quick 10').waitFor(WAIT);
    await a.unroute(sends);
    await settled(a);
    const quick = (all: string[]) => all.filter((t) => t.startsWith('Quick '));
    expect(quick(await bodies(b))).toEqual(batch);
    expect(quick(await bodies(a))).toEqual(batch);
    // And in the order the server stored them (what a reload or a third person sees).
    await b.reload();
    await messageWith(b, 'Quick 10').waitFor(WAIT);
    expect(quick(await bodies(b))).toEqual(batch);
  });

  it('a message written offline waits, then goes by itself, once, when the connection is back', async () => {
    await ctxA.setOffline(true);
    await send(a, 'Sent from a tunnel');
    const waiting = messageWith(a, 'Sent from a tunnel');
    await waiting.getByText('Waiting for the connection…').waitFor(WAIT);
    expect(await waiting.getAttribute('class')).toMatch(/waiting/);
    expect(await waiting.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await ctxA.setOffline(false);
    await messageWith(b, 'Sent from a tunnel').waitFor(WAIT);
    await settled(a);
    expect((await bodies(b)).filter((t) => t === 'Sent from a tunnel')).toHaveLength(1);
    expect((await bodies(a)).filter((t) => t === 'Sent from a tunnel')).toHaveLength(1);
  });

  it('offline: two messages written, the page reloaded, back online: both arrive once, in order', async () => {
    await ctxA.setOffline(true);
    await send(a, 'Outbox one');
    await send(a, 'Outbox two');
    await messageWith(a, 'Outbox two').getByText('Waiting for the connection…').waitFor(WAIT);
    // Back online but still unable to send (a page cannot load offline): reload meanwhile.
    const sends = /\/trpc\/[^?]*messages\.send/;
    await a.route(sends, (route) => route.abort('internetdisconnected'));
    await ctxA.setOffline(false);
    await a.reload();
    await composer(a).waitFor(WAIT);
    await messageWith(a, 'Outbox two').getByText('Waiting for the connection…').waitFor(WAIT);
    expect((await bodies(a)).slice(-2)).toEqual(['Outbox one', 'Outbox two']);
    expect(await messageWith(b, /Outbox/).count()).toBe(0);

    await a.unroute(sends);
    await messageWith(b, 'Outbox two').waitFor(WAIT);
    await settled(a);
    const outbox = (all: string[]) => all.filter((t) => t.startsWith('Outbox'));
    expect(outbox(await bodies(b))).toEqual(['Outbox one', 'Outbox two']);
    expect(outbox(await bodies(a))).toEqual(['Outbox one', 'Outbox two']);
  });

  it('unsent messages are not shown to the next person who signs in on the tab', async () => {
    const page = await ctxA.newPage();
    await page.goto(server.url);
    await page.getByRole('link', { name: /^launch/ }).click(WAIT);
    await composer(page).waitFor(WAIT);
    const sends = /\/trpc\/[^?]*messages\.send/;
    await page.route(sends, (route) => route.abort('internetdisconnected'));
    await send(page, 'Ana only, unsent');
    await messageWith(page, 'Ana only, unsent')
      .getByText('Waiting for the connection…')
      .waitFor(WAIT);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill('ben');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /^launch/ }).click(WAIT);
    await composer(page).waitFor(WAIT);
    await messageWith(page, 'Outbox two').waitFor(WAIT);
    expect(await messageWith(page, 'Ana only, unsent').count()).toBe(0);
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('outbox'))),
    ).toEqual([]);
    await page.unroute(sends);
    await page.close();
    // Signing out of that tab signed Ana out everywhere in this browser: sign A back in.
    await signInContext(ctxA, server.url, 'ana', 'correct horse battery');
    await a.reload();
    await composer(a).waitFor(WAIT);
  });

  it('reload keeps B signed in, in the room, with the history', async () => {
    await b.reload();
    await b.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    await messageWith(b, 'Catch-up 5').waitFor(WAIT);
    const all = await bodies(b);
    expect(all).toContain('Hi Ana, good to be here');
    expect(all.filter((t) => t.startsWith('Catch-up'))).toHaveLength(5);
  });

  it('a new DM appears live with an unread badge; reading it clears the badge for good', async () => {
    const cleo = await seedUser(server.url, 'cleo', 'Cleo');
    const dm = await cleo.client.rooms.openDirect.mutate({ username: 'ben' });
    // Empty, it is Cleo's business only: not in Ben's list, even freshly loaded.
    await b.reload();
    await b.getByRole('link', { name: /^launch/ }).waitFor(WAIT);
    expect(await b.getByRole('link', { name: /^Cleo/ }).count()).toBe(0);
    await cleo.client.messages.send.mutate({ roomId: dm.id, body: 'Psst, Ben', clientId: 'c-1' });
    await cleo.client.messages.send.mutate({
      roomId: dm.id,
      body: 'Got a minute?',
      clientId: 'c-2',
    });

    const unread = b.getByRole('link', { name: /^Cleo\b.* 2 unread\W+offline$/ });
    await unread.waitFor(WAIT);
    await unread.click();
    await messageWith(b, 'Got a minute?').waitFor(WAIT);
    await b.getByText('This is the beginning of your conversation with Cleo.').waitFor(WAIT);
    await b.getByRole('link', { name: /^launch/ }).click();
    await b.getByRole('link', { name: /^Cleo\b.*[^d]\W+offline$/ }).waitFor(WAIT);
    // The read mark is the server's, not just this page's.
    await b.reload();
    await b.getByRole('link', { name: /^Cleo\b.*[^d]\W+offline$/ }).waitFor(WAIT);
    expect(await b.getByRole('link', { name: /Cleo.*unread/ }).count()).toBe(0);
  });

  it('a DM peer’s online dot follows them live', async () => {
    const ctxC = await browser.newContext();
    await signInContext(ctxC, server.url, 'cleo');
    const c = await ctxC.newPage();
    await c.goto(server.url);
    await c.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    await b.getByRole('link', { name: /^Cleo\b.*[^d]\W+online$/ }).waitFor(WAIT);
    await ctxC.close();
    await b.getByRole('link', { name: /^Cleo\b.*[^d]\W+offline$/ }).waitFor(WAIT);
  });

  it('someone invited to the open room shows online at once; removed, they are gone', async () => {
    const ctxC = await browser.newContext();
    await signInContext(ctxC, server.url, 'cleo');
    const c = await ctxC.newPage();
    await c.goto(server.url);
    await c.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    await b.getByRole('link', { name: /^launch/ }).click();
    const header = b.locator('.room-header');
    await header.getByText('2 members').waitFor(WAIT);
    await header.getByText('2 online').waitFor(WAIT);
    await header.getByRole('button', { name: /members/ }).click();
    const members = b.locator('.members-panel');
    await members.getByText('@ana · admin · online').waitFor(WAIT);

    const { token } = await apiClient(server.url).auth.signIn.mutate({
      username: 'ana',
      password: 'correct horse battery',
    });
    const asAna = apiClient(server.url, token);
    const launch = (await asAna.rooms.list.query()).find((r) => r.name === 'launch');
    if (!launch) throw new Error('no launch room');
    await asAna.rooms.invite.mutate({ roomId: launch.id, username: 'cleo' });
    // No reload, no room switch.
    await header.getByText('3 members').waitFor(WAIT);
    await header.getByText('3 online').waitFor(WAIT);
    await members.getByText('@cleo · online').waitFor(WAIT);

    await asAna.rooms.kick.mutate({ roomId: launch.id, username: 'cleo' });
    await header.getByText('2 members').waitFor(WAIT);
    await header.getByText('2 online').waitFor(WAIT);
    await members.getByText(/@cleo/).waitFor({ state: 'detached', ...WAIT });
    await header.getByRole('button', { name: /members/ }).click();
    await ctxC.close();
  });

  it('is usable at 375 × 812', async () => {
    await b.setViewportSize({ width: 375, height: 812 });
    await b.reload();
    await composer(b).waitFor(WAIT);
    const box = await composer(b).boundingBox();
    expect(box).not.toBeNull();
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(812);
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 375).toBe(true);
    const overflow = () =>
      b.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await overflow()).toBe(true);
    await send(b, 'Typed on a phone');
    await messageWith(a, 'Typed on a phone').waitFor(WAIT);
    expect(await overflow()).toBe(true);
    // Back to the list and into the room again, still without sideways scrolling.
    await b.getByRole('button', { name: 'Back to conversations' }).click();
    await b.getByRole('link', { name: /^launch/ }).waitFor(WAIT);
    expect(await overflow()).toBe(true);
  });

  it('explains a rate-limit refusal kindly, and Retry sends it later', async () => {
    await b.getByRole('link', { name: /^launch/ }).click();
    await composer(b).waitFor(WAIT);
    // Spend Ana's whole send allowance, as a flood of sends would: in parallel, to a room that
    // does not exist (the allowance is spent before the room is looked up, so the flood leaves
    // no messages behind). The per-second allowance comes back within a second, so the message
    // is typed beforehand and sent as soon as the server refuses one of the flood.
    const { token } = await apiClient(server.url).auth.signIn.mutate({
      username: 'ana',
      password: 'correct horse battery',
    });
    const flood = apiClient(server.url, token);
    await composer(a).fill('Too quick?');
    let refusedOne: () => void = () => {};
    const firstRefusal = new Promise<void>((resolve) => {
      refusedOne = resolve;
    });
    const sends = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        flood.messages.send
          .mutate({ roomId: crypto.randomUUID(), body: 'flood', clientId: `flood-${i}` })
          .then(
            () => null,
            (err: { data?: { code?: string } }) => {
              if (err.data?.code === 'TOO_MANY_REQUESTS') refusedOne();
              return err.data?.code;
            },
          ),
      ),
    );
    await Promise.race([firstRefusal, sends]);
    await composer(a).press('Enter');
    expect(await sends).toContain('TOO_MANY_REQUESTS');
    const refused = messageWith(a, 'Too quick?');
    await refused.getByText(/that was quick/).waitFor(WAIT);
    expect(await refused.getAttribute('class')).toMatch(/failed/);
    expect(await messageWith(b, 'Too quick?').count()).toBe(0);

    // The allowance refills within a second or so; Retry then delivers it, once.
    await expect
      .poll(
        async () => {
          if ((await refused.getAttribute('class'))?.includes('failed')) {
            await refused.getByRole('button', { name: 'Retry' }).click();
          }
          return messageWith(b, 'Too quick?').count();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe(1);
  });
});
