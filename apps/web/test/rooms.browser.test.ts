/**
 * Room management in a real browser (issue 12): a room admin renames a room and sets its topic,
 * removes someone, archives the room; another member sees each change live in their own
 * browser. Two browser contexts against a production-mode server on a fresh database.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserSkipReason, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

describe.skipIf(skip !== null)('room management in Chromium', () => {
  /** Ana, the rooms' admin (A); Ben, a member (B). */
  const { server, a, b, api } = twoBrowsers({ people: { ana: 'Ana', ben: 'Ben' } });
  const { ana, ben } = api;
  let plansId: string;

  const header = (page: Page) => page.locator('.room-header');
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  const openRoom = async (page: Page, roomId: string) => {
    await page.goto(`${server.url}/#/room/${roomId}`);
    await composer(page).or(page.locator('.archived-note')).first().waitFor(WAIT);
  };

  beforeAll(async () => {
    const plans = await ana.rooms.create.mutate({ name: 'planning', visibility: 'private' });
    plansId = plans.id;
    await ana.rooms.invite.mutate({ roomId: plansId, username: 'ben' });
  });

  // One story, step by step: after a failed step the rest would only fail noisily.
  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  it('a rename and a new topic show live in the other browser', async () => {
    await openRoom(a, plansId);
    await openRoom(b, plansId);
    await header(b).getByRole('heading', { name: 'planning' }).waitFor(WAIT);
    // Ben is not an admin: no settings for him.
    expect(await header(b).getByRole('button', { name: 'Room settings' }).count()).toBe(0);

    await header(a).getByRole('button', { name: 'Room settings' }).click();
    const dialog = a.getByRole('dialog', { name: /Settings of planning/ });
    await dialog.getByLabel('Name').fill('launch plans');
    await dialog.getByLabel('Topic (optional)').fill('Ship it by Friday');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });

    await header(b).getByRole('heading', { name: 'launch plans' }).waitFor(WAIT);
    await header(b).getByText('Ship it by Friday').waitFor(WAIT);
    await b
      .getByRole('navigation')
      .getByRole('link', { name: /launch plans/ })
      .waitFor(WAIT);
    await header(a).getByText('Ship it by Friday').waitFor(WAIT);
  });

  it('a too-long topic is refused in the dialog with the server’s words', async () => {
    await header(a).getByRole('button', { name: 'Room settings' }).click();
    const dialog = a.getByRole('dialog', { name: /Settings of launch plans/ });
    await dialog.getByLabel('Topic (optional)').fill('x'.repeat(251));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('A topic can have at most 250 characters.').waitFor(WAIT);
    await a.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
  });

  it('the member list offers actions, and closes on Escape and on a click outside', async () => {
    const toggle = header(a).getByRole('button', { name: /\d+ members? ·/ });
    await toggle.click();
    const panel = a.locator('.members-panel');
    await panel.getByRole('button', { name: 'Make admin: Ben' }).waitFor(WAIT);
    await panel.getByRole('button', { name: 'Message Ben' }).waitFor(WAIT);
    await panel.getByRole('button', { name: 'Remove Ben' }).waitFor(WAIT);
    await a.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', ...WAIT });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    await toggle.click();
    await panel.waitFor(WAIT);
    await a.getByRole('log').click({ position: { x: 200, y: 200 } });
    await panel.waitFor({ state: 'detached', ...WAIT });

    // Ben, a plain member, may message people but not manage them.
    await header(b)
      .getByRole('button', { name: /\d+ members? ·/ })
      .click();
    const bensPanel = b.locator('.members-panel');
    await bensPanel.getByRole('button', { name: 'Message Ana' }).waitFor(WAIT);
    expect(await bensPanel.getByRole('button', { name: /Remove|Make/ }).count()).toBe(0);
    await b.keyboard.press('Escape');
    await bensPanel.waitFor({ state: 'detached', ...WAIT });
  });

  it('making someone an admin shows in their member list live', async () => {
    await header(a)
      .getByRole('button', { name: /\d+ members? ·/ })
      .click();
    await a.locator('.members-panel').getByRole('button', { name: 'Make admin: Ben' }).click();
    await a
      .locator('.members-panel')
      .getByRole('button', { name: 'Make member: Ben' })
      .waitFor(WAIT);
    // Ben is an admin now: his header offers the settings.
    await header(b).getByRole('button', { name: 'Room settings' }).waitFor(WAIT);
    await a.locator('.members-panel').getByRole('button', { name: 'Make member: Ben' }).click();
    await a
      .locator('.members-panel')
      .getByRole('button', { name: 'Make admin: Ben' })
      .waitFor(WAIT);
    await expect
      .poll(() => header(b).getByRole('button', { name: 'Room settings' }).count(), WAIT)
      .toBe(0);
    await a.keyboard.press('Escape');
  });

  it('archiving makes the room read-only in the other browser, until unarchived', async () => {
    await header(a).getByRole('button', { name: 'Room settings' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Archive room' }).click();
    await a.getByRole('dialog').waitFor({ state: 'detached', ...WAIT });

    await b.getByText('This room is archived: it is read-only.').waitFor(WAIT);
    await expect.poll(() => composer(b).count(), WAIT).toBe(0);
    await b
      .getByRole('list', { name: 'Archived rooms' })
      .getByRole('link', { name: /launch plans/ })
      .waitFor(WAIT);
    // Only an admin may unarchive.
    expect(await b.locator('.archived-note').getByRole('button').count()).toBe(0);
    // The server refuses a send anyway, with the reason.
    const refused = await ben.messages.send
      .mutate({ roomId: plansId, body: 'sneaky', clientId: 'sneaky-1' })
      .catch((e: Error) => e.message);
    expect(refused).toContain('This room is archived');

    await a.locator('.archived-note').getByRole('button', { name: 'Unarchive' }).click();
    await composer(b).waitFor(WAIT);
    await expect.poll(() => b.getByRole('list', { name: 'Archived rooms' }).count(), WAIT).toBe(0);
  });

  it('leaving a private room asks first', async () => {
    await header(b).getByRole('button', { name: 'Leave' }).click();
    const dialog = b.getByRole('dialog', { name: 'Leave launch plans?' });
    await dialog.getByText('You will need an invite to return.').waitFor(WAIT);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    // Still in the room.
    await composer(b).waitFor(WAIT);
  });

  it('a removed member is told who removed them, and from where', async () => {
    const pub = await ana.rooms.create.mutate({ name: 'plans', visibility: 'public' });
    await ben.rooms.join.mutate({ roomId: pub.id });
    // Opened once their room lists have it (a room not in the list is left at once).
    for (const page of [a, b]) {
      if (!page.url().startsWith(server.url)) await page.goto(server.url);
      await page.getByRole('navigation').getByRole('link', { name: 'plans', exact: true }).click();
      await composer(page).waitFor(WAIT);
    }
    await header(a)
      .getByRole('button', { name: /\d+ members? ·/ })
      .click();
    await a.locator('.members-panel').getByRole('button', { name: 'Remove Ben' }).click();
    const confirm = a.getByRole('dialog', { name: 'Remove Ben from #plans?' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await confirm.waitFor({ state: 'detached', ...WAIT });

    await b.getByRole('alert').filter({ hasText: 'Ana removed you from #plans.' }).waitFor(WAIT);
    // The room is gone from Ben's list, and he is out of it.
    await expect
      .poll(
        () => b.getByRole('navigation').getByRole('link', { name: 'plans', exact: true }).count(),
        WAIT,
      )
      .toBe(0);
    await expect.poll(() => composer(b).count(), WAIT).toBe(0);
    await b.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => b.getByRole('alert').count(), WAIT).toBe(0);
  });
});
