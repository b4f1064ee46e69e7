/**
 * Outages in a real browser: the server stopped and started again under an open page (same
 * database, same address), and a page that loaded while its API could not answer.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  browserSkipReason,
  buildWeb,
  launchChromium,
  seedUser,
  signInContext,
  startServer,
  type TestServer,
} from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

describe.skipIf(skip !== null)('outages in Chromium', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let ana: ApiClient;
  let roomId: string;

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    ana = (await seedUser(server.url, 'ana', 'Ana')).client;
    roomId = (await ana.rooms.create.mutate({ name: 'ops', visibility: 'public' })).id;
    await ana.messages.send.mutate({ roomId, body: 'Before the outage', clientId: 'seed-1' });
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    ctx.setDefaultTimeout(15_000);
    await signInContext(ctx, server.url, 'ana');
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.cleanup();
  });

  const message = (text: string) =>
    page.getByRole('log').locator('article.msg').filter({ hasText: text });
  const composer = () => page.getByRole('textbox', { name: 'Message' });

  it('a room opened while the server is down recovers by itself once it is back', async () => {
    await page.goto(server.url);
    const link = page.getByRole('link', { name: /^ops/ });
    await link.waitFor(WAIT);

    await server.stop();
    await page.getByText(/Reconnecting…/).waitFor(WAIT);
    await link.click();
    await page.getByText('Could not load messages.').waitFor(WAIT);
    // What I write meanwhile shows, waiting, under the failed history.
    await composer().fill('Written during the outage');
    await composer().press('Enter');
    await message('Written during the outage')
      .getByText('Waiting for the connection…')
      .waitFor(WAIT);

    await server.start();
    // No click: the history loads and the message goes out, once.
    await message('Before the outage').waitFor(WAIT);
    await page.getByText('Could not load messages.').waitFor({ state: 'hidden', ...WAIT });
    await expect
      .poll(() => page.locator('article.msg.sending, article.msg.waiting').count(), WAIT)
      .toBe(0);
    expect(await page.getByRole('log').locator('article.msg .body').allInnerTexts()).toEqual([
      'Before the outage',
      'Written during the outage',
    ]);
    const stored = await ana.messages.history.query({ roomId });
    expect(stored.items.map((m) => m.body).sort()).toEqual([
      'Before the outage',
      'Written during the outage',
    ]);
    await page.getByText(/Reconnecting…/).waitFor({ state: 'hidden', ...WAIT });
  });

  it('a page whose first question went unanswered shows so, then comes back by itself', async () => {
    const me = /\/trpc\/[^?]*auth\.me/;
    await page.route(me, (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.getByText('Parley cannot be reached right now.').waitFor(WAIT);
    await page.unroute(me);
    await composer().waitFor(WAIT);
    await message('Written during the outage').waitFor(WAIT);
  });
});
