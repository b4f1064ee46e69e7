/**
 * Threads in a real browser (issue 11), two people: B opens a thread from the hover action, A
 * opens it by the keyboard alone (T on a focused message, type, Enter); each sees the other's
 * reply live in the panel and the count under the root in the room, never the reply in the
 * room's list; Esc closes the panel and gives the focus back; a reload keeps it open; below
 * 720 px it is the whole screen; a search result that is a thread reply opens its thread.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserSkipReason, signInContext, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };
const ROOT = 'Where shall we have lunch?';

describe.skipIf(skip !== null)('threads in Chromium', () => {
  const { server, browser, ctxB, a, b, api } = twoBrowsers({
    people: { ana: 'Ana', ben: 'Ben' },
  });
  const { ana, ben } = api;
  let roomId: string;
  let rootId: string;

  /** The room's own list (the panel is a log too). */
  const roomLog = (page: Page) => page.getByRole('log', { name: /^Conversation in/ });
  const panel = (page: Page) => page.getByRole('complementary', { name: 'Thread' });
  const inPanel = (page: Page, text: string) =>
    panel(page).locator('article.msg').filter({ hasText: text });
  const root = (page: Page) => roomLog(page).locator('article.msg').filter({ hasText: ROOT });
  const summary = (page: Page) => root(page).locator('.thread-summary .thread-count');
  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  beforeAll(async () => {
    const room = await ana.rooms.create.mutate({ name: 'lunch', visibility: 'public' });
    roomId = room.id;
    await ben.rooms.join.mutate({ roomId });
    rootId = (await ben.messages.send.mutate({ roomId, body: ROOT, clientId: 'root-1' })).id;
    await ana.messages.send.mutate({ roomId, body: 'Unrelated news', clientId: 'other-1' });
    for (const page of [a, b]) {
      await page.goto(`${server.url}/#/room/${roomId}`);
      await root(page).waitFor(WAIT);
    }
  });

  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  it('B opens the thread from the hover action: a labelled panel beside the room, in the URL', async () => {
    await root(b).hover();
    await root(b).getByRole('button', { name: 'Reply in thread', exact: true }).click();
    await panel(b).waitFor(WAIT);
    await inPanel(b, ROOT).waitFor(WAIT);
    expect(new URL(b.url()).hash).toBe(`#/room/${roomId}/thread/${rootId}`);
    // Beside the conversation, not over it.
    const box = await panel(b).boundingBox();
    const list = await roomLog(b).boundingBox();
    expect(box && list && box.x >= list.x + list.width - 1).toBe(true);
    // The focus moved into it: its composer.
    await expect.poll(() => activeId(b), WAIT).toBe('thread-composer');
  });

  it('A by keyboard alone: T on a focused message opens it, typing + Enter replies; B sees it live, with the count', async () => {
    await a.getByRole('textbox', { name: 'Message', exact: true }).focus();
    // The list is one Tab stop before the composer: the latest message, then up to the root.
    await a.keyboard.press('Shift+Tab');
    await a.keyboard.press('ArrowUp');
    expect(
      await a.evaluate(() => document.activeElement?.closest('article.msg')?.textContent ?? ''),
    ).toContain(ROOT);
    await a.keyboard.press('t');
    await panel(a).waitFor(WAIT);
    await expect.poll(() => activeId(a), WAIT).toBe('thread-composer');
    await a.keyboard.type('Noon at the noodle bar');
    await a.keyboard.press('Enter');

    // A sees it sent in her panel; B sees it arrive in his, and the count under the root.
    await inPanel(a, 'Noon at the noodle bar').and(a.locator('.sent')).waitFor(WAIT);
    await inPanel(b, 'Noon at the noodle bar').waitFor(WAIT);
    await expect.poll(() => summary(b).textContent(), WAIT).toBe('1 reply');
    await expect.poll(() => summary(a).textContent(), WAIT).toBe('1 reply');
    // Replies stay out of the room's list.
    expect(await roomLog(a).getByText('Noon at the noodle bar').count()).toBe(0);
    expect(await roomLog(b).getByText('Noon at the noodle bar').count()).toBe(0);
    expect(await panel(b).locator('.thread-divider').textContent()).toBe('1 reply');
  });

  it('B replies in the panel: A sees it live, 2 replies for both; Esc closes and gives the focus back', async () => {
    const box = b.getByRole('textbox', { name: 'Reply in thread' });
    await box.fill('Noodles it is');
    await box.press('Enter');
    await inPanel(a, 'Noodles it is').waitFor(WAIT);
    for (const page of [a, b]) {
      await expect.poll(() => summary(page).textContent(), WAIT).toBe('2 replies');
    }
    expect(await root(a).locator('.thread-summary').textContent()).toContain('last reply');
    expect(await roomLog(b).getByText('Noodles it is').count()).toBe(0);

    // A opened it from the root (by keyboard): Esc gives the focus back there.
    await a.getByRole('textbox', { name: 'Reply in thread' }).focus();
    await a.keyboard.press('Escape');
    await panel(a).waitFor({ state: 'detached', ...WAIT });
    expect(new URL(a.url()).hash).toBe(`#/room/${roomId}`);
    await expect
      .poll(
        () => a.evaluate(() => document.activeElement?.closest('article.msg')?.textContent ?? ''),
        WAIT,
      )
      .toContain(ROOT);
  });

  it('the summary opens the thread; a reload keeps it open', async () => {
    await root(a).locator('.thread-summary').click();
    await inPanel(a, 'Noodles it is').waitFor(WAIT);
    await b.reload();
    await inPanel(b, 'Noon at the noodle bar').waitFor(WAIT);
    await inPanel(b, 'Noodles it is').waitFor(WAIT);
    // Its close button closes it.
    await panel(b).getByRole('button', { name: 'Close thread' }).click();
    await panel(b).waitFor({ state: 'detached', ...WAIT });
  });

  it('B offline while A replies twice: back online, the open panel and the count catch up, once each', async () => {
    await b.goto(`${server.url}/#/room/${roomId}/thread/${rootId}`);
    await inPanel(b, 'Noodles it is').waitFor(WAIT);
    await ctxB.setOffline(true);
    const box = a.getByRole('textbox', { name: 'Reply in thread' });
    for (const body of ['Booked a table', 'For six']) {
      await box.fill(body);
      await box.press('Enter');
      await inPanel(a, body).and(a.locator('.sent')).waitFor(WAIT);
    }
    expect(await inPanel(b, 'Booked a table').count()).toBe(0);
    await ctxB.setOffline(false);
    await inPanel(b, 'For six').waitFor(WAIT);
    await expect.poll(() => summary(b).textContent(), WAIT).toBe('4 replies');
    expect(await inPanel(b, 'Booked a table').count()).toBe(1);
    expect(await inPanel(b, 'For six').count()).toBe(1);
    expect(await roomLog(b).getByText('For six').count()).toBe(0);
  });

  it('below 720 px the thread is the whole screen, with a 44 px back button', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 760 } });
    try {
      await signInContext(ctx, server.url, 'ben');
      const m = await ctx.newPage();
      await m.goto(`${server.url}/#/room/${roomId}/thread/${rootId}`);
      await inPanel(m, 'Noodles it is').waitFor(WAIT);
      expect(await panel(m).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 760 });
      const back = panel(m).getByRole('button', { name: 'Close thread' });
      const size = await back.boundingBox();
      expect(size && size.width >= 44 && size.height >= 44).toBe(true);
      await back.click();
      await panel(m).waitFor({ state: 'detached', ...WAIT });
      await root(m).waitFor(WAIT);
    } finally {
      await ctx.close();
    }
  });

  it('a search result that is a thread reply opens the room at the root with the thread open', async () => {
    await b.keyboard.press('Control+k');
    await b.keyboard.type('noodle bar');
    const hit = b.getByRole('listbox', { name: 'Search results' }).getByRole('option');
    await hit.first().waitFor(WAIT);
    await hit.first().click();
    const reply = panel(b).locator('.thread-row', {
      has: b.locator('article.msg', { hasText: 'Noon at the noodle bar' }),
    });
    await reply.waitFor(WAIT);
    expect(new URL(b.url()).hash).toMatch(
      new RegExp(`^#/room/${roomId}/message/${rootId}/thread/${rootId}/reply/[\\w-]+$`),
    );
    expect(await reply.getAttribute('class')).toContain('jump-target');
    await root(b).waitFor(WAIT);
  });
});
