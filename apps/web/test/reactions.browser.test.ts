/**
 * Reactions in a real browser (issue 11), two people: A reacts through the emoji picker (loaded
 * on first open), B sees the chip appear live and joins in (count 2 on both sides), A takes
 * hers back; and `:shortcode:` completion in the composer inserts the emoji.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserSkipReason, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

describe.skipIf(skip !== null)('reactions in Chromium', () => {
  const { server, a, b, api } = twoBrowsers({ people: { ana: 'Ana', ben: 'Ben' } });
  const { ana, ben } = api;
  let roomId: string;

  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  const message = (page: Page, text: string) =>
    page.getByRole('log').locator('article.msg').filter({ hasText: text });
  const chip = (page: Page, text: string, emoji: string) =>
    message(page, text).locator('.reaction-chip', { hasText: emoji });

  beforeAll(async () => {
    const room = await ana.rooms.create.mutate({ name: 'lunch', visibility: 'public' });
    roomId = room.id;
    await ben.rooms.join.mutate({ roomId });
    await ben.messages.send.mutate({ roomId, body: 'Pizza today?', clientId: 'pizza-1' });
    for (const page of [a, b]) {
      await page.goto(`${server.url}/#/room/${roomId}`);
      await message(page, 'Pizza today?').waitFor(WAIT);
    }
  });

  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  it('A reacts with the picker; B sees the chip live, with its count and who', async () => {
    // The picker is not part of the first download: its script loads on first open.
    const scripts: string[] = [];
    a.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await message(a, 'Pizza today?').hover();
    await message(a, 'Pizza today?').getByRole('button', { name: 'Add reaction' }).click();
    const picker = a.getByRole('dialog', { name: 'Choose a reaction' });
    await picker.waitFor(WAIT);
    expect(scripts.some((u) => /EmojiPicker-[\w-]+\.js$/.test(u))).toBe(true);
    // Its search box has the focus: type, then pick the first result.
    await picker.locator('input#search').waitFor(WAIT);
    await a.keyboard.type('thumbs up');
    await picker
      .getByRole('option', { name: /thumbs up/i })
      .first()
      .click();
    await picker.waitFor({ state: 'detached', ...WAIT });

    const mine = chip(a, 'Pizza today?', '👍');
    await mine.waitFor(WAIT);
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    expect(await mine.locator('.reaction-count').textContent()).toBe('1');

    const theirs = chip(b, 'Pizza today?', '👍');
    await theirs.waitFor(WAIT);
    expect(await theirs.getAttribute('aria-pressed')).toBe('false');
    expect(await theirs.locator('.reaction-count').textContent()).toBe('1');
    expect(await theirs.getAttribute('title')).toBe('Ana reacted with 👍');
  });

  it('B clicks the chip: 2 on both sides, pressed for B', async () => {
    await chip(b, 'Pizza today?', '👍').click();
    for (const page of [a, b]) {
      await expect
        .poll(() => chip(page, 'Pizza today?', '👍').locator('.reaction-count').textContent(), WAIT)
        .toBe('2');
    }
    expect(await chip(b, 'Pizza today?', '👍').getAttribute('aria-pressed')).toBe('true');
    expect(await chip(a, 'Pizza today?', '👍').getAttribute('title')).toBe(
      'Ana and Ben reacted with 👍',
    );
  });

  it('A clicks hers away: 1 on both sides, no longer pressed for A', async () => {
    await chip(a, 'Pizza today?', '👍').click();
    for (const page of [a, b]) {
      await expect
        .poll(() => chip(page, 'Pizza today?', '👍').locator('.reaction-count').textContent(), WAIT)
        .toBe('1');
    }
    expect(await chip(a, 'Pizza today?', '👍').getAttribute('aria-pressed')).toBe('false');
    expect(await chip(b, 'Pizza today?', '👍').getAttribute('aria-pressed')).toBe('true');
    expect(await chip(b, 'Pizza today?', '👍').getAttribute('title')).toBe('Ben reacted with 👍');
  });

  it(':shortcode: completion offers emoji as I type and inserts the chosen one', async () => {
    const box = composer(a);
    await box.click();
    await box.pressSequentially('Sounds good :pizz');
    const list = a.getByRole('listbox', { name: 'Emoji' });
    await list.waitFor(WAIT);
    const active = await box.getAttribute('aria-activedescendant');
    expect(await list.getByRole('option').first().getAttribute('id')).toBe(active);
    await expect.poll(() => list.getByRole('option').first().textContent(), WAIT).toContain('🍕');
    await box.press('Enter');
    await list.waitFor({ state: 'detached', ...WAIT });
    expect(await box.inputValue()).toBe('Sounds good 🍕');
    // Esc dismisses the list and keeps the text as typed.
    await box.pressSequentially(' :smil');
    await list.waitFor(WAIT);
    await box.press('ArrowDown');
    await box.press('Escape');
    await list.waitFor({ state: 'detached', ...WAIT });
    expect(await box.inputValue()).toBe('Sounds good 🍕 :smil');
    await box.fill('Sounds good 🍕');
    await box.press('Enter');
    await message(b, 'Sounds good 🍕').waitFor(WAIT);
  });
});
