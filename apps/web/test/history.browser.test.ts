/**
 * Long rooms in a real browser: the newest page first, older pages on scroll-up without the
 * view jumping, and the "new messages" button when reading history.
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
const TOTAL = 120;
const label = (i: number) => `Seed message ${String(i).padStart(3, '0')}`;

describe.skipIf(skip !== null)('long history in Chromium', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let roomId: string;
  let writers: ApiClient[];

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    const reader = await seedUser(server.url, 'reader', 'Rea Der');
    writers = [];
    // Several writers so seeding stays inside each one's send burst.
    for (let w = 0; w < 6; w++) {
      writers.push((await seedUser(server.url, `writer${w}`, `Writer ${w}`)).client);
    }
    const room = await reader.client.rooms.create.mutate({ name: 'archive', visibility: 'public' });
    roomId = room.id;
    for (const w of writers) await w.rooms.join.mutate({ roomId });
    for (let i = 1; i <= TOTAL; i++) {
      const writer = writers[Math.floor((i - 1) / 20)];
      await writer?.messages.send.mutate({ roomId, body: label(i), clientId: `seed-${i}` });
    }
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    ctx.setDefaultTimeout(15_000);
    await signInContext(ctx, server.url, 'reader');
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.cleanup();
  });

  const log = () => page.getByRole('log');
  const message = (text: string) => log().locator('article.msg').filter({ hasText: text });

  it('opens on the newest messages, pinned to the bottom', async () => {
    await page.goto(`${server.url}/#/room/${roomId}`);
    await message(label(TOTAL)).waitFor(WAIT);
    const atBottom = await log().evaluate(
      (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4,
    );
    expect(atBottom).toBe(true);
    // Only the newest page is loaded (virtualised rows render on demand).
    expect(await message(label(1)).count()).toBe(0);
  });

  it('loads older pages on scroll-up without moving what I am reading', async () => {
    const anchorOffset = async (text: string) =>
      message(text).evaluate((el) => {
        const scroller = el.closest('[role="log"]');
        if (!scroller) throw new Error('no log');
        return el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      });
    // Hold history requests so the test can look at the screen before the page lands.
    type Held = { continue(): Promise<void> };
    const held: Held[] = [];
    await page.route(/\/trpc\/messages\.history/, (route) => {
      held.push(route);
    });
    // Walk up until the oldest message arrives. Each time, the row at the top when I reach it
    // must stay where it was once the older page is in.
    const complete = async () => (await log().getAttribute('data-history')) === 'complete';
    for (let round = 0; round < 6 && !(await complete()); round++) {
      await log().evaluate((el) => {
        el.scrollTop = 0;
      });
      await expect.poll(() => held.length, WAIT).toBeGreaterThan(0);
      const topRow = async () =>
        log().evaluate((el) => {
          const top = el.getBoundingClientRect().top;
          const rows = [...el.querySelectorAll('article.msg')].map((a) => ({
            text: a.querySelector('.body')?.textContent ?? '',
            offset: a.getBoundingClientRect().top - top,
          }));
          return rows.find((r) => r.offset >= 0) ?? null;
        });
      await expect.poll(async () => (await topRow())?.offset ?? 1e9, WAIT).toBeLessThan(150);
      const seen = await topRow();
      if (!seen) throw new Error('no row at the top');
      const height = await log().evaluate((el) => el.scrollHeight);
      for (const route of held.splice(0)) await route.continue();
      await expect
        .poll(() => log().evaluate((el) => el.scrollHeight), WAIT)
        .toBeGreaterThan(height);
      await expect.poll(() => anchorOffset(seen.text), WAIT).toBeCloseTo(seen.offset, -1);
    }
    expect(await complete()).toBe(true);
    await page.unroute(/\/trpc\/messages\.history/);
    for (const route of held.splice(0)) await route.continue();
    await log().evaluate((el) => {
      el.scrollTop = 0;
    });
    await message(label(1)).waitFor(WAIT);
    await log().getByText('This is the beginning of #archive.').waitFor(WAIT);
    const texts = await log().locator('article.msg .body').allTextContents();
    const numbers = texts.map((t) => Number(t.replace('Seed message ', '')));
    expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
  });

  it('reading history, a new message shows a button instead of jumping', async () => {
    const scrollTop = () => log().evaluate((el) => el.scrollTop);
    const top = await scrollTop();
    await writers[0]?.messages.send.mutate({ roomId, body: 'Fresh news', clientId: 'fresh-1' });
    const button = page.getByRole('button', { name: /1 new message/ });
    await button.waitFor(WAIT);
    expect(Math.abs((await scrollTop()) - top)).toBeLessThan(4);
    await button.click();
    await message('Fresh news').waitFor(WAIT);
    await button.waitFor({ state: 'hidden', ...WAIT });
  });
});
