/**
 * Mentions in a real browser, two people: Ana picks Ben from the composer's @ list by keyboard;
 * Ben sees the mention badge, the highlighted message and the Mentions view, which jumps to
 * the message in its room; a desktop notification is shown to Ben while another room is open.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserSkipReason, twoBrowsers } from './support';

const skip = browserSkipReason();
if (skip) console.warn(`[apps/web] skipping browser tests: ${skip}`);

const WAIT = { timeout: 15_000 };

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const log = (page: Page) => page.getByRole('log');
const roomLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Conversations' }).locator('a.room-link', { hasText: name });

/** Records what the page shows with the Notification API (the browser's, not Parley's). */
const RECORD_NOTIFICATIONS = `
  window.__notifications = [];
  const Native = window.Notification;
  class Recorded extends Native {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options && options.body });
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
  Recorded.requestPermission = (...args) => Native.requestPermission(...args);
  window.Notification = Recorded;
`;

type Recorded = { title: string; body?: string };
const notifications = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notifications: Recorded[] }).__notifications);

describe.skipIf(skip !== null)('mentions in Chromium', () => {
  const { server, a, b, api } = twoBrowsers({
    people: { ana: 'Ana Lima', ben: 'Ben Okafor', bea: 'Bea Stone' },
    contextB: { permissions: ['notifications'] },
    initScriptB: RECORD_NOTIFICATIONS,
  });
  const { ana } = api;
  let plansId: string;
  let mentionId: string;

  beforeAll(async () => {
    const plans = await ana.rooms.create.mutate({ name: 'plans', visibility: 'private' });
    plansId = plans.id;
    await ana.rooms.invite.mutate({ roomId: plans.id, username: 'ben' });
    await ana.rooms.invite.mutate({ roomId: plans.id, username: 'bea' });
    const other = await ana.rooms.create.mutate({ name: 'other', visibility: 'private' });
    await ana.rooms.invite.mutate({ roomId: other.id, username: 'ben' });

    await a.goto(`${server.url}/#/room/${plansId}`);
    // Ben looks at another room: the mention arrives elsewhere.
    await b.goto(`${server.url}/#/room/${other.id}`);
    await composer(a).waitFor(WAIT);
    await composer(b).waitFor(WAIT);
  });

  // One story, step by step: after a failed step the rest would only fail noisily.
  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  it('never asks for notification permission by itself', async () => {
    // Granted by the test's context; the app itself only asks from the Settings button.
    expect(await b.evaluate(() => Notification.permission)).toBe('granted');
    expect(await notifications(b)).toEqual([]);
  });

  it('offers the room’s members after @, picked by keyboard', async () => {
    const box = composer(a);
    await box.click();
    await box.pressSequentially('hey @b');
    const list = a.getByRole('listbox', { name: 'People in this room' });
    await list.waitFor(WAIT);
    const options = list.getByRole('option');
    await expect
      .poll(() => options.allInnerTexts(), WAIT)
      .toEqual([expect.stringContaining('Bea Stone'), expect.stringContaining('Ben Okafor')]);
    expect(await box.getAttribute('aria-autocomplete')).toBe('list');
    // ↓ moves to Ben; the textarea keeps the focus and points at the active option.
    await box.press('ArrowDown');
    const active = await box.getAttribute('aria-activedescendant');
    expect(await a.locator(`[id="${active}"]`).innerText()).toContain('Ben Okafor');
    expect(await a.locator(`[id="${active}"]`).getAttribute('aria-selected')).toBe('true');
    // Esc closes the list without sending; typing on opens it again.
    await box.press('Escape');
    await expect.poll(() => list.isVisible(), WAIT).toBe(false);
    await box.press('e');
    await list.waitFor(WAIT);
    await box.press('ArrowDown');
    await box.press('Enter');
    await expect.poll(() => box.inputValue(), WAIT).toBe('hey @ben ');
    await expect.poll(() => list.isVisible(), WAIT).toBe(false);
    await box.pressSequentially('the plan is ready');
    await box.press('Enter');
    await log(a).locator('article.msg', { hasText: 'the plan is ready' }).waitFor(WAIT);
  });

  it('shows Ben a mention badge apart from the unread count, and notifies him', async () => {
    const link = roomLink(b, 'plans');
    const badge = link.locator('.mention-badge');
    await expect.poll(() => badge.innerText(), WAIT).toMatch(/@1/);
    expect(await link.locator('.badge:not(.mention-badge)').innerText()).toMatch(/1/);
    await expect
      .poll(() => notifications(b), WAIT)
      .toEqual([
        {
          title: 'Ana Lima mentioned you in plans',
          body: 'hey @ben the plan is ready',
        },
      ]);
    // Bea was not mentioned.
    const mentions = b.getByRole('link', { name: /^Mentions/ });
    expect(await mentions.innerText()).toMatch(/1/);
  });

  it('lists the mention in the Mentions view, which opens the room at it, highlighted', async () => {
    await b.getByRole('link', { name: /^Mentions/ }).click();
    const results = b.getByRole('list', { name: 'Mentions of you' });
    const entry = results.getByRole('link').filter({ hasText: 'the plan is ready' });
    await entry.waitFor(WAIT);
    expect(await entry.innerText()).toContain('in plans');
    mentionId = (await entry.getAttribute('href'))?.split('/message/')[1] ?? '';
    expect(mentionId).not.toBe('');
    await entry.click();
    await expect.poll(() => b.evaluate(() => location.hash), WAIT).toContain(plansId);
    const message = log(b).locator(`article.msg[data-message-id="${mentionId}"]`);
    await message.waitFor(WAIT);
    expect(await message.getAttribute('class')).toContain('mentions-me');
    expect(await message.getAttribute('aria-label')).toContain('mentions you');
    // Read now: the badge is gone.
    await expect.poll(() => roomLink(b, 'plans').locator('.mention-badge').count(), WAIT).toBe(0);
  });

  it('does not highlight it for Ana, who wrote it', async () => {
    const message = log(a).locator('article.msg', { hasText: 'the plan is ready' });
    expect(await message.getAttribute('class')).not.toContain('mentions-me');
  });

  it('follows the room’s level: nothing means no notification, all means every message', async () => {
    await b.goto(`${server.url}/#/room/${plansId}`);
    const level = b.getByLabel('Notifications');
    await level.selectOption('none');
    await expect.poll(() => level.inputValue(), WAIT).toBe('none');
    await roomLink(b, 'other').click();
    await composer(a).fill('@ben are you there');
    await composer(a).press('Enter');
    await expect.poll(() => roomLink(b, 'plans').locator('.mention-badge').count(), WAIT).toBe(1);
    expect(await notifications(b)).toHaveLength(1);

    await roomLink(b, 'plans').click();
    await b.getByLabel('Notifications').selectOption('all');
    await expect.poll(() => b.getByLabel('Notifications').inputValue(), WAIT).toBe('all');
    await roomLink(b, 'other').click();
    await composer(a).fill('no names in this one');
    await composer(a).press('Enter');
    await expect
      .poll(async () => (await notifications(b)).map((n) => n.body), WAIT)
      .toContain('no names in this one');
  });
});
