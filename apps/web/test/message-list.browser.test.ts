/**
 * The message list for everyone, two people in Chromium: opening on the first unread message,
 * "Jump to latest", the list by keyboard alone (reach someone's message, reply, edit mine),
 * reply quotes that follow an edit and jump to the original, drafts kept per room.
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
/** More than one page (50) of unread, so landing on the first unread loads an older page. */
const UNREAD = 80;
const note = (i: number) => `Note ${String(i).padStart(2, '0')}`;

describe.skipIf(skip !== null)('the message list in Chromium', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let ana: ApiClient;
  let roomId: string;
  let otherId: string;

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    ana = (await seedUser(server.url, 'ana', 'Ana Souza')).client;
    const ben = (await seedUser(server.url, 'ben', 'Ben Okafor')).client;
    roomId = (await ana.rooms.create.mutate({ name: 'plans', visibility: 'public' })).id;
    otherId = (await ana.rooms.create.mutate({ name: 'random', visibility: 'public' })).id;
    await ben.rooms.join.mutate({ roomId });
    await ben.rooms.join.mutate({ roomId: otherId });
    // Twenty each (inside one person's send burst); Ana writes the last twenty.
    const writers: ApiClient[] = [];
    for (let w = 0; w < 3; w++) {
      const writer = (await seedUser(server.url, `writer${w}`, `Writer ${w}`)).client;
      await writer.rooms.join.mutate({ roomId });
      writers.push(writer);
    }
    writers.push(ana);
    for (let i = 1; i <= UNREAD; i++) {
      const writer = writers[Math.floor((i - 1) / 20)] ?? ana;
      await writer.messages.send.mutate({ roomId, body: note(i), clientId: `note-${i}` });
    }
    browser = await launchChromium();
    const pages: Page[] = [];
    for (const username of ['ana', 'ben']) {
      const ctx = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      ctx.setDefaultTimeout(15_000);
      await signInContext(ctx, server.url, username);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error(`[browser ${username}] ${e.message}`));
      pages.push(page);
    }
    [a, b] = pages as [Page, Page];
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.cleanup();
  });

  const log = (page: Page) => page.getByRole('log');
  const message = (page: Page, text: string) =>
    log(page).locator('article.msg').filter({ hasText: text });
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  /** Whether a message is rendered and inside the list's visible area. */
  const inView = (page: Page, text: string) =>
    log(page).evaluate((el, text) => {
      const view = el.getBoundingClientRect();
      for (const m of el.querySelectorAll('article.msg')) {
        if (!m.querySelector('.body')?.textContent?.includes(text)) continue;
        const r = m.getBoundingClientRect();
        return r.top >= view.top - 1 && r.bottom <= view.bottom + 1;
      }
      return false;
    }, text);
  /** The body text of the focused message (empty when the focus is not on one). */
  const focusedText = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.closest('article.msg')?.querySelector('.body')?.textContent ?? '',
    );

  it('opens a room with unread messages on the first unread, under "New messages"', async () => {
    await b.goto(`${server.url}/#/room/${roomId}`);
    await log(b).locator('.unread-divider').waitFor(WAIT);
    await expect.poll(() => inView(b, note(1)), WAIT).toBe(true);
    // The divider sits right above the first unread message.
    const divided = await log(b)
      .locator('.row', { has: b.locator('.unread-divider') })
      .locator('.body')
      .textContent();
    expect(divided).toBe(note(1));
    expect(await inView(b, note(UNREAD))).toBe(false);
  });

  it('"Jump to latest" shows away from the bottom and goes there', async () => {
    const jump = b.getByRole('button', { name: /Jump to latest/ });
    await jump.waitFor(WAIT);
    await jump.click();
    await expect.poll(() => inView(b, note(UNREAD)), WAIT).toBe(true);
    await jump.waitFor({ state: 'hidden', ...WAIT });
  });

  it('by keyboard alone: reach a message of someone else and reply to it', async () => {
    // Ana has unread messages too (the other writers'): she lands on them, then goes down.
    await a.goto(`${server.url}/#/room/${roomId}`);
    await a.getByRole('button', { name: /Jump to latest/ }).click();
    await message(a, note(UNREAD)).waitFor(WAIT);
    await composer(b).focus();
    // The list is one Tab stop, just before the composer: it lands on the latest message.
    await b.keyboard.press('Shift+Tab');
    expect(await focusedText(b)).toBe(note(UNREAD));
    for (let i = 0; i < 3; i++) await b.keyboard.press('ArrowUp');
    expect(await focusedText(b)).toBe(note(UNREAD - 3));
    await b.keyboard.press('ArrowDown');
    expect(await focusedText(b)).toBe(note(UNREAD - 2));
    // The focus ring is visible on it.
    const outline = await b.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).toBe('solid');
    await b.keyboard.press('r');
    await b.getByText('Replying to').waitFor(WAIT);
    expect(await b.evaluate(() => document.activeElement?.id)).toBe('composer');
    await b.keyboard.type('Agreed on seventy-eight');
    await b.keyboard.press('Enter');
    const reply = message(a, 'Agreed on seventy-eight');
    await reply.waitFor(WAIT);
    expect(await reply.locator('.reply-quote').textContent()).toContain(note(UNREAD - 2));
  });

  it('an edit of the quoted message (by keyboard, E) updates the quote live', async () => {
    await composer(a).focus();
    await a.keyboard.press('Shift+Tab');
    expect(await focusedText(a)).toBe('Agreed on seventy-eight');
    // A Tab stop once: Tab from the list goes on towards the composer, not along messages.
    for (let i = 0; i < 3; i++) await a.keyboard.press('ArrowUp');
    expect(await focusedText(a)).toBe(note(UNREAD - 2));
    await a.keyboard.press('e');
    await a.getByText('Editing message').waitFor(WAIT);
    await a.keyboard.press('ControlOrMeta+a');
    await a.keyboard.type('Note 78, revised');
    await a.keyboard.press('Enter');
    await expect
      .poll(() => message(b, 'Agreed on seventy-eight').locator('.reply-quote').textContent(), WAIT)
      .toContain('Note 78, revised');
  });

  it('the menu of a focused message reaches its actions (ARIA menu, arrow keys)', async () => {
    await composer(b).focus();
    // The list's Tab stop is the message I was on last; End goes to the latest.
    await b.keyboard.press('Shift+Tab');
    expect(await focusedText(b)).toContain(note(UNREAD - 2));
    await b.keyboard.press('End');
    expect(await focusedText(b)).toBe('Agreed on seventy-eight');
    await b.keyboard.press('Enter');
    const menu = b.getByRole('menu', { name: 'Message actions' });
    await menu.waitFor(WAIT);
    const items = await menu.getByRole('menuitem').allTextContents();
    expect(items.map((t) => t.replace(/[A-Z:?]$|Del$|Backspace$/, '').trim())).toEqual(
      expect.arrayContaining(['Reply', 'Edit', 'Delete…', 'Go to quoted message']),
    );
    expect(await b.evaluate(() => document.activeElement?.textContent)).toMatch(/^Reply/);
    await b.keyboard.press('End');
    expect(await b.evaluate(() => document.activeElement?.textContent)).toMatch(/^Keyboard/);
    await b.keyboard.press('Enter');
    await b.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor(WAIT);
    await b.keyboard.press('Escape');
    await b.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });
    await menu.waitFor({ state: 'hidden', ...WAIT });
  });

  it('clicking a quote jumps to the original, scrolled into view and highlighted', async () => {
    // A reply to an old message: its original is far above the bottom.
    await composer(b).focus();
    await b.keyboard.press('Shift+Tab');
    // The list's tab stop is the message last focused (the previous test's); Home from there.
    await expect.poll(() => focusedText(b), WAIT).toBe('Agreed on seventy-eight');
    await b.keyboard.press('Home');
    await expect.poll(() => focusedText(b), WAIT).toBe(note(1));
    for (let i = 0; i < 4; i++) await b.keyboard.press('ArrowDown');
    expect(await focusedText(b)).toBe(note(5));
    await b.keyboard.press('r');
    await b.keyboard.type('Back to five');
    await b.keyboard.press('Enter');
    await expect.poll(() => inView(b, 'Back to five'), WAIT).toBe(true);
    expect(await inView(b, note(5))).toBe(false);
    await message(b, 'Back to five').locator('.reply-quote').click();
    await expect.poll(() => inView(b, note(5)), WAIT).toBe(true);
    await log(b)
      .locator('.row.jump-target')
      .filter({ hasText: note(5) })
      .waitFor(WAIT);
    expect(await focusedText(b)).toBe(note(5));
    // Esc goes back to the composer.
    await b.keyboard.press('Escape');
    expect(await b.evaluate(() => document.activeElement?.id)).toBe('composer');
  });

  it('keeps what I typed in a room across a switch to another room and back', async () => {
    await composer(b).fill('half a thought');
    await b.getByRole('link', { name: /^random/ }).click();
    await expect.poll(() => composer(b).getAttribute('placeholder'), WAIT).toContain('random');
    expect(await composer(b).inputValue()).toBe('');
    await b.getByRole('link', { name: /^plans/ }).click();
    await expect.poll(() => composer(b).inputValue(), WAIT).toBe('half a thought');
    await b.keyboard.press('Enter');
    await message(b, 'half a thought').waitFor(WAIT);
    await expect.poll(() => b.locator('article.msg.sending').count(), WAIT).toBe(0);
    // Sent: the draft is gone.
    await b.getByRole('link', { name: /^random/ }).click();
    await b.getByRole('link', { name: /^plans/ }).click();
    await message(b, 'half a thought').waitFor(WAIT);
    expect(await composer(b).inputValue()).toBe('');
  });
});
