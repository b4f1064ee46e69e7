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
/**
 * 170 messages in author groups chosen against the web app's pages of 50 (121–170, 71–120,
 * 21–70, 1–20), so scrolling up crosses every kind of page boundary whatever the fonts:
 * 120|121 and 70|71 split an author group (the first row of the newer page loses its
 * author header when its predecessor arrives), 20|21 falls on a group's start.
 */
const GROUP_STARTS = [1, 21, 41, 61, 81, 101, 111, 131, 151];
const TOTAL = 170;
const label = (i: number) => `Seed message ${String(i).padStart(3, '0')}`;
const groupOf = (i: number) => GROUP_STARTS.findLastIndex((start) => start <= i);

describe.skipIf(skip !== null)('long history in Chromium', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let roomId: string;
  let writers: ApiClient[];
  /** Message ids by seed number. */
  const ids: string[] = [];

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    const reader = await seedUser(server.url, 'reader', 'Rea Der');
    writers = [];
    // A writer per author group, which also keeps seeding inside each one's send burst.
    for (let w = 0; w < GROUP_STARTS.length; w++) {
      writers.push((await seedUser(server.url, `writer${w}`, `Writer ${w}`)).client);
    }
    const room = await reader.client.rooms.create.mutate({ name: 'archive', visibility: 'public' });
    roomId = room.id;
    for (const w of writers) await w.rooms.join.mutate({ roomId });
    for (let i = 1; i <= TOTAL; i++) {
      const writer = writers[groupOf(i)];
      const sent = await writer?.messages.send.mutate({
        roomId,
        body: label(i),
        clientId: `seed-${i}`,
      });
      ids[i] = sent?.id ?? '';
    }
    // Read up to date: a room with unread messages opens on the first unread (see
    // message-list.browser.test.ts); this one is about opening on the newest.
    const newest = await reader.client.messages.history.query({ roomId, limit: 1 });
    await reader.client.rooms.markRead.mutate({ roomId, position: newest.items[0]?.position ?? 0 });
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
    // Where each message's text sits in the viewport (what a reader's eyes are on).
    const visibleBodies = () =>
      log().evaluate((el) => {
        const view = el.getBoundingClientRect();
        const out: Record<string, number> = {};
        for (const body of el.querySelectorAll('article.msg .body')) {
          const r = body.getBoundingClientRect();
          if (r.bottom > view.top && r.top < view.bottom) {
            out[body.textContent ?? ''] = Math.round(r.top - view.top);
          }
        }
        return out;
      });
    // Hold history requests so the test can look at the screen before the page lands.
    type Held = { continue(): Promise<void> };
    const held: Held[] = [];
    await page.route(/\/trpc\/messages\.history/, (route) => {
      held.push(route);
    });
    const complete = async () => (await log().getAttribute('data-history')) === 'complete';
    // Each round reads at the top of the loaded history while the older page is held, then
    // lets it land. The first round cuts the top message's author header in half (the row
    // straddles the top edge), the others read with it whole.
    const rounds: { boundary: number; cut: boolean }[] = [
      { boundary: 121, cut: true },
      { boundary: 71, cut: false },
      { boundary: 21, cut: false },
    ];
    for (const { boundary, cut } of rounds) {
      await log().evaluate((el) => {
        el.scrollTop = 0;
      });
      await expect.poll(() => held.length, WAIT).toBeGreaterThan(0);
      await message(label(boundary)).waitFor(WAIT);
      // Put the oldest loaded message at the top, whole or with its header cut.
      await message(label(boundary)).evaluate((article, cutHeader) => {
        const scroller = article.closest('[role="log"]');
        if (!scroller) throw new Error('no log');
        const offset = article.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
        scroller.scrollTop += offset + (cutHeader ? 12 : -8);
      }, cut);
      await expect.poll(async () => (await visibleBodies())[label(boundary)], WAIT).toBeDefined();
      const before = await visibleBodies();
      expect(before[label(boundary)]).toBeLessThan(80);
      const height = await log().evaluate((el) => el.scrollHeight);
      for (const route of held.splice(0)) await route.continue();
      await expect
        .poll(() => log().evaluate((el) => el.scrollHeight), WAIT)
        .toBeGreaterThan(height);
      await message(label(boundary - 1)).waitFor({ state: 'attached', ...WAIT });
      // The boundary row lost its author header exactly when its group continues above.
      const grouped = await message(label(boundary)).evaluate((a) =>
        a.classList.contains('grouped'),
      );
      expect(grouped).toBe(groupOf(boundary) === groupOf(boundary - 1));
      // Every message I could see is where it was, within a few pixels.
      const moved = async () => {
        const after = await visibleBodies();
        return Object.fromEntries(
          Object.entries(before)
            .map(([text, top]) => [text, (after[text] ?? Number.NaN) - top] as const)
            .filter(([, shift]) => !(Math.abs(shift) <= 3)),
        );
      };
      await expect.poll(moved, WAIT).toEqual({});
      // …and stays there once late measurements have settled.
      await page.waitForTimeout(250);
      expect(await moved()).toEqual({});
    }
    // The last page (1–20) has nothing older: the history is complete once it lands.
    await log().evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.unroute(/\/trpc\/messages\.history/);
    for (const route of held.splice(0)) await route.continue();
    await expect.poll(complete, WAIT).toBe(true);
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

  it('opens at a message in the past, highlighted, and pages both ways back to the live tail', async () => {
    const target = 60;
    await page.goto(`${server.url}/#/room/${roomId}/message/${ids[target]}`);
    const row = log().locator('.row', {
      has: page.locator('article.msg', { hasText: label(target) }),
    });
    await row.waitFor(WAIT);
    // In view, lit for a moment, and the room's latest not loaded (a window around it).
    const inView = () =>
      message(label(target)).evaluate((el) => {
        const view = el.closest('[role="log"]')?.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return view !== undefined && r.top >= view.top && r.bottom <= view.bottom;
      });
    await expect.poll(inView, WAIT).toBe(true);
    expect(await row.getAttribute('class')).toContain('jump-target');
    expect(await message('Fresh news').count()).toBe(0);
    const latest = page.getByRole('button', { name: /Jump to latest/ });
    await latest.waitFor(WAIT);
    // Still there after the late measurements (nothing scrolled it away).
    await page.waitForTimeout(300);
    expect(await inView()).toBe(true);

    // Scrolling down pages newer messages in, in order, until the window is the room's tail.
    await expect
      .poll(async () => {
        await log().evaluate((el) => {
          el.scrollTop = el.scrollHeight;
        });
        return message('Fresh news').count();
      }, WAIT)
      .toBe(1);
    await latest.waitFor({ state: 'hidden', ...WAIT });
    // …and then it is live: a new message arrives without a reload.
    await writers[1]?.messages.send.mutate({ roomId, body: 'After the jump', clientId: 'jump-1' });
    await message('After the jump').waitFor(WAIT);

    // Scrolling up pages older ones in, down to the beginning.
    await expect
      .poll(async () => {
        await log().evaluate((el) => {
          el.scrollTop = 0;
        });
        return log().getAttribute('data-history');
      }, WAIT)
      .toBe('complete');
    await log().evaluate((el) => {
      el.scrollTop = 0;
    });
    await message(label(1)).waitFor(WAIT);
    const texts = await log().locator('article.msg .body').allTextContents();
    const numbers = texts.map((t) => Number(t.replace('Seed message ', '')));
    expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
  });

  it('"Jump to latest" leaves a window for the room\'s newest messages', async () => {
    await page.goto(`${server.url}/#/room/${roomId}/message/${ids[30]}`);
    await message(label(30)).waitFor(WAIT);
    await page.getByRole('button', { name: /Jump to latest/ }).click();
    await message('After the jump').waitFor(WAIT);
    expect(new URL(page.url()).hash).toBe(`#/room/${roomId}`);
    const atBottom = () =>
      log().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4);
    await expect.poll(atBottom, WAIT).toBe(true);
  });
});
