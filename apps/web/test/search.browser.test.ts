/**
 * Search in a real browser (issue 11), two people: Ctrl+K focuses the box, results come only
 * from my rooms (not from a private room of someone else's with the same word), and opening
 * one shows the room at that message, loaded around it from deep in the history, highlighted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, seedUser, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

describe.skipIf(skip !== null)('search in Chromium', () => {
  // Ana searches in A; B (Ben) stays on a blank page.
  const { server, a, api } = twoBrowsers({ people: { ana: 'Ana', ben: 'Ben' } });
  const { ana, ben } = api;
  let roomId: string;

  beforeAll(async () => {
    const room = await ana.rooms.create.mutate({ name: 'zoo', visibility: 'public' });
    roomId = room.id;
    // The match is old: 110 messages after it, so the room's newest page does not hold it.
    await ana.messages.send.mutate({
      roomId,
      body: 'The zebra escaped again',
      clientId: 'zebra-1',
    });
    // Several writers, each within the per-person send rate.
    const writers = [];
    for (let w = 0; w < 6; w++) {
      const writer = (await seedUser(server.url, `writer${w}`, `Writer ${w}`)).client;
      await writer.rooms.join.mutate({ roomId });
      writers.push(writer);
    }
    for (let i = 1; i <= 110; i++) {
      await writers[Math.floor((i - 1) / 19)]?.messages.send.mutate({
        roomId,
        body: `Filler ${i}`,
        clientId: `f-${i}`,
      });
    }
    const secret = await ben.rooms.create.mutate({ name: 'secret', visibility: 'private' });
    await ben.messages.send.mutate({
      roomId: secret.id,
      body: 'Secret zebra plans',
      clientId: 'zebra-2',
    });
    await a.goto(`${server.url}/#/room/${roomId}`);
    await a.getByRole('log').getByText('Filler 110').waitFor(WAIT);
  });

  it('Ctrl+K, a word: results from my rooms only; Enter opens the old message in context', async () => {
    await a.getByRole('log').click();
    await a.keyboard.press('Control+k');
    const box = a.getByRole('combobox', { name: 'Search messages' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement), WAIT).toBe(true);
    await a.keyboard.type('zebras');
    const results = a.getByRole('listbox', { name: 'Search results' });
    const hit = results.getByRole('option');
    await hit.first().waitFor(WAIT);
    expect(await hit.count()).toBe(1);
    expect(await hit.first().textContent()).toContain('#zoo');
    // The match is highlighted as text: "zebra" (stemmed from "zebras") in a <mark>.
    expect(await hit.first().locator('mark').allTextContents()).toEqual(['zebra']);
    expect(await a.getByText('Secret zebra plans').count()).toBe(0);

    await box.press('Enter');
    const row = a.getByRole('log').locator('.row', {
      has: a.locator('article.msg', { hasText: 'The zebra escaped again' }),
    });
    await row.waitFor(WAIT);
    await expect
      .poll(
        () =>
          row.evaluate((el) => {
            const view = el.closest('[role="log"]')?.getBoundingClientRect();
            const r = el.getBoundingClientRect();
            return view !== undefined && r.top >= view.top && r.bottom <= view.bottom;
          }),
        WAIT,
      )
      .toBe(true);
    expect(await row.getAttribute('class')).toContain('jump-target');
    expect(await results.count()).toBe(0);
  });

  it('/ outside a text field focuses the box too; a word nowhere says so', async () => {
    await a.getByRole('log').click();
    await a.keyboard.press('/');
    const box = a.getByRole('combobox', { name: 'Search messages' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement), WAIT).toBe(true);
    await box.fill('giraffe');
    await a.getByText('No messages match “giraffe”.').waitFor(WAIT);
    await box.press('Escape');
    await a.getByText('No messages match “giraffe”.').waitFor({ state: 'detached', ...WAIT });
  });
});
