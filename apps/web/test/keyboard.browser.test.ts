/**
 * Message actions by keyboard alone, two people in Chromium: Delete on my focused message asks
 * first (Esc keeps it, confirming deletes it for the other person too), and `:` opens the
 * emoji picker, where typing and Enter react.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

describe.skipIf(skip !== null)('message actions by keyboard in Chromium', () => {
  const { server, a, b, api } = twoBrowsers({
    people: { ana: 'Ana Souza', ben: 'Ben Okafor' },
    viewport: { width: 1100, height: 760 },
  });
  const { ana, ben } = api;
  let roomId: string;

  beforeAll(async () => {
    roomId = (await ana.rooms.create.mutate({ name: 'keys', visibility: 'public' })).id;
    await ben.rooms.join.mutate({ roomId });
    await ben.messages.send.mutate({ roomId, body: 'Lunch at noon?', clientId: 'k-1' });
    await ana.messages.send.mutate({ roomId, body: 'Typo in this one', clientId: 'k-2' });
    for (const page of [a, b]) {
      await page.goto(`${server.url}/#/room/${roomId}`);
      await page.getByRole('log').locator('article.msg').filter({ hasText: 'Typo' }).waitFor(WAIT);
    }
  });

  const message = (page: Page, text: string) =>
    page.getByRole('log').locator('article.msg').filter({ hasText: text });
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  /** The body text of the focused message (empty when the focus is not on one). */
  const focusedText = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.closest('article.msg')?.querySelector('.body')?.textContent ?? '',
    );
  /** The text of the focused element. */
  const focusedLabel = (page: Page) =>
    page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

  it('Delete on my message asks first: Esc keeps it, confirming deletes it for both', async () => {
    await composer(a).focus();
    // The list is one Tab stop, just before the composer: it lands on the latest message.
    await a.keyboard.press('Shift+Tab');
    expect(await focusedText(a)).toBe('Typo in this one');

    await a.keyboard.press('Delete');
    const confirm = a.getByRole('dialog', { name: 'Delete this message?' });
    await confirm.waitFor(WAIT);
    // The focus is in the dialog, on the harmless choice.
    expect(await focusedLabel(a)).toBe('Cancel');
    await a.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached', ...WAIT });
    // Back on the message, which is still there for both.
    expect(await focusedText(a)).toBe('Typo in this one');
    await b.waitForTimeout(300);
    expect(await message(b, 'Typo in this one').locator('.body.deleted').count()).toBe(0);

    await a.keyboard.press('Delete');
    await confirm.waitFor(WAIT);
    await a.keyboard.press('Tab');
    expect(await focusedLabel(a)).toBe('Delete');
    await a.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached', ...WAIT });
    for (const page of [a, b]) {
      await page.getByRole('log').getByText('This message was deleted.').waitFor(WAIT);
      expect(await message(page, 'Typo in this one').count()).toBe(0);
    }
  });

  it('`:` on a focused message opens the emoji picker; typing and Enter react, live for the other', async () => {
    await composer(b).focus();
    await b.keyboard.press('Shift+Tab');
    // Ana's message is deleted (the latest row); Ben goes up to his own.
    await b.keyboard.press('ArrowUp');
    expect(await focusedText(b)).toBe('Lunch at noon?');
    await b.keyboard.press(':');
    const picker = b.getByRole('dialog', { name: 'Choose a reaction' });
    await picker.waitFor(WAIT);
    // Placed by the message's "Add reaction" button, inside the window.
    const box = await b.locator('.emoji-popover').boundingBox();
    expect(box).not.toBeNull();
    expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
    // Its search box has the focus: type, then Enter takes the first result.
    await picker.locator('input#search').waitFor(WAIT);
    await expect
      .poll(() => b.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id), WAIT)
      .toBe('search');
    await b.keyboard.type('thumbs up');
    await picker
      .getByRole('option', { name: /thumbs up/i })
      .first()
      .waitFor(WAIT);
    await b.keyboard.press('ArrowDown');
    await b.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached', ...WAIT });
    const chip = (page: Page) =>
      message(page, 'Lunch at noon?').locator('.reaction-chip', { hasText: '👍' });
    await chip(b).waitFor(WAIT);
    expect(await chip(b).getAttribute('aria-pressed')).toBe('true');
    await chip(a).waitFor(WAIT);
    expect(await chip(a).getAttribute('title')).toBe('Ben Okafor reacted with 👍');
    // Picking closes it and leaves the focus on the message, and so does Esc.
    expect(await focusedText(b)).toBe('Lunch at noon?');
    await b.keyboard.press(':');
    await picker.waitFor(WAIT);
    await picker.locator('input#search').waitFor(WAIT);
    await b.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached', ...WAIT });
    expect(await focusedText(b)).toBe('Lunch at noon?');
  });
});
