/**
 * Accessibility in a real browser: axe-core (injected into the page) on every screen in both
 * colour schemes, the app driven by keyboard alone, focus handed around like a native app, and
 * touch targets on a phone-sized screen.
 */
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core in the page and returns its violations, readable. It is injected once per
 * document as a script from the page's own origin (served by the test, not the app), so the
 * app's Content-Security-Policy stays as it is.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    const url = new URL('/__test/axe.min.js', page.url()).href;
    await page.route(url, (route) =>
      route.fulfill({ path: AXE, contentType: 'text/javascript; charset=utf-8' }),
    );
    await page.addScriptTag({ url });
  }
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, {
      // Off by default in axe 4 (experimental): WCAG 2.5.3, "label in name".
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      nodes: v.nodes.map(
        (n) => `${n.target.join(' ')} (${n.failureSummary?.split('\n')[1]?.trim()})`,
      ),
    }));
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n}`));
}

/** Visible controls under 44 × 44 px (a radio button counts by its label; links in text aside). */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'a[href], button, input, textarea, select',
    )) {
      if (el.closest('.body')) continue; // inline links in a message: exempt (WCAG 2.5.8)
      const target = el.matches('[type="radio"], [type="checkbox"]') ? el.closest('label') : el;
      const r = (target ?? el).getBoundingClientRect();
      const onScreen =
        r.width > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
      if (!onScreen || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.width < 44 || r.height < 44) {
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '';
        small.push(
          `${el.tagName.toLowerCase()} "${name.slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
      }
    }
    return small;
  });
}

/** smallTargets over a whole scrolling page: each screenful of `.page-body` in turn. */
async function smallTargetsAnywhere(page: Page): Promise<string[]> {
  const small = new Set<string>();
  const body = page.locator('.page-body');
  for (let top = 0; ; ) {
    for (const s of await smallTargets(page)) small.add(s);
    const next = await body.evaluate((el, from) => {
      el.scrollTop = from + el.clientHeight * 0.8;
      return el.scrollTop > from ? el.scrollTop : null;
    }, top);
    if (next === null) break;
    top = next;
  }
  return [...small];
}

/** Text in the conversation that a shown message toolbar covers. */
function coveredByActions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const covered: string[] = [];
    const bars = [...document.querySelectorAll('.msg-actions')].filter(
      (bar) => getComputedStyle(bar).display !== 'none',
    );
    const log = document.querySelector('[role="log"]');
    if (!log) return ['no conversation'];
    const walker = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent?.trim() || node.parentElement?.closest('.msg-actions, .sr-only'))
        continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const text of range.getClientRects()) {
        for (const bar of bars) {
          const b = bar.getBoundingClientRect();
          const apart =
            text.right <= b.left ||
            text.left >= b.right ||
            text.bottom <= b.top ||
            text.top >= b.bottom;
          if (!apart) covered.push(node.textContent.trim().slice(0, 30));
        }
      }
    }
    return covered;
  });
}

describe.skipIf(skip !== null)('accessibility in Chromium', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let browser: Browser;
  let mira: ApiClient;
  let launchId: string;
  let questionId: string;

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    browser = await launchChromium();
    mira = (await seedUser(server.url, 'mira', 'Mira Chen')).client;
    const others: Record<string, ApiClient> = {};
    for (const [u, name] of [
      ['ana', 'Ana Souza'],
      ['ben', 'Ben Okafor'],
      ['chloe', 'Chloé Martin'],
      ['dev', 'Dev Patel'],
      ['eve', 'Eve Nakamura'],
      ['finn', 'Finn Walsh'],
    ] as const) {
      others[u] = (await seedUser(server.url, u, name)).client;
    }
    const launch = await mira.rooms.create.mutate({ name: 'launch-week', visibility: 'private' });
    launchId = launch.id;
    const general = await mira.rooms.create.mutate({ name: 'general', visibility: 'public' });
    let n = 0;
    for (const [u, client] of Object.entries(others)) {
      await mira.rooms.invite.mutate({ roomId: launch.id, username: u });
      await client.rooms.join.mutate({ roomId: general.id });
      await client.messages.send.mutate({
        roomId: launch.id,
        body: `Hello from ${u}, with **bold**, \`code\` and https://example.com/${u}`,
        clientId: `seed-${n++}`,
      });
    }
    // A long line, then a short one grouped under it: a toolbar over the second must not
    // cover the end of the first.
    await others.finn?.messages.send.mutate({
      roomId: launch.id,
      body: 'A long line that runs to the right edge of the conversation. '.repeat(6),
      clientId: `seed-${n++}`,
    });
    await others.finn?.messages.send.mutate({
      roomId: launch.id,
      body: 'Grouped under it.',
      clientId: `seed-${n++}`,
    });
    const first = await others.ana?.messages.send.mutate({
      roomId: launch.id,
      body: 'A question worth a reply?',
      clientId: `seed-${n++}`,
    });
    await mira.messages.send.mutate({
      roomId: launch.id,
      body: 'An answer.',
      clientId: `seed-${n++}`,
      replyToId: first?.id,
    });
    // A thread on the question (its panel is checked too).
    questionId = first?.id ?? '';
    await mira.messages.send.mutate({
      roomId: launch.id,
      body: 'Said in a thread.',
      clientId: `seed-${n++}`,
      threadId: questionId,
    });
    await others.ben?.messages.send.mutate({
      roomId: general.id,
      body: 'Unread news in general',
      clientId: `seed-${n++}`,
    });
    const dm = await others.chloe?.rooms.openDirect.mutate({ username: 'mira' });
    if (dm) {
      await others.chloe?.messages.send.mutate({
        roomId: dm.id,
        body: 'A direct word',
        clientId: `seed-${n++}`,
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.cleanup();
  });

  async function signedInPage(
    scheme: 'light' | 'dark',
    viewport = { width: 1280, height: 800 },
  ): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport, colorScheme: scheme });
    ctx.setDefaultTimeout(15_000);
    await signInContext(ctx, server.url, 'mira');
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
    return { ctx, page };
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`axe finds nothing on the sign-in and sign-up screens (${scheme})`, async () => {
      const ctx = await browser.newContext({ colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(server.url);
      await page.getByLabel('Username').waitFor(WAIT);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByLabel('Display name (optional)').waitFor(WAIT);
      expect(await axeViolations(page)).toEqual([]);
      await ctx.close();
    });

    it(`axe finds nothing in a room, its member list and every dialog (${scheme})`, async () => {
      const { ctx, page } = await signedInPage(scheme);
      await page.goto(`${server.url}/#/room/${launchId}`);
      await page.getByRole('log').getByText('An answer.').waitFor(WAIT);
      await page.getByRole('link', { name: /Chloé Martin/ }).waitFor(WAIT);
      expect(await axeViolations(page)).toEqual([]);

      // A message's actions, shown on hover.
      await page.getByRole('log').locator('article.msg').last().hover();
      expect(await axeViolations(page)).toEqual([]);

      await page
        .locator('.room-header')
        .getByRole('button', { name: /members/ })
        .click();
      await page.locator('.members-panel').getByText('@finn').waitFor(WAIT);
      expect(await axeViolations(page)).toEqual([]);

      const dialogs: [string, RegExp | string][] = [
        ['Invite', /Invite to/],
        ['Room settings', /Settings of/],
        ['Create a room', 'Create a room'],
        ['Browse', 'Browse public rooms'],
        ['New', 'New direct message'],
      ];
      for (const [opener, title] of dialogs) {
        await page.getByRole('button', { name: opener, exact: true }).first().click();
        const dialog = page.getByRole('dialog', { name: title });
        await dialog.waitFor(WAIT);
        if (opener === 'Browse') await dialog.getByText('general').waitFor(WAIT);
        expect(await axeViolations(page), `${opener} dialog`).toEqual([]);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached', ...WAIT });
      }
      await ctx.close();
    });

    it(`axe finds nothing in an open thread, beside the room and on a phone (${scheme})`, async () => {
      for (const viewport of [
        { width: 1280, height: 800 },
        { width: 375, height: 812 },
      ]) {
        const { ctx, page } = await signedInPage(scheme, viewport);
        await page.goto(`${server.url}/#/room/${launchId}/thread/${questionId}`);
        const panel = page.getByRole('complementary', { name: 'Thread' });
        await panel.getByText('Said in a thread.').waitFor(WAIT);
        expect(await axeViolations(page), `${viewport.width} px`).toEqual([]);
        await panel.locator('article.msg').last().hover();
        expect(await axeViolations(page), `${viewport.width} px, actions`).toEqual([]);
        if (viewport.width < 720) expect(await smallTargets(page)).toEqual([]);
        await ctx.close();
      }
    });

    it(`axe finds nothing on a phone-sized screen (${scheme})`, async () => {
      const { ctx, page } = await signedInPage(scheme, { width: 375, height: 812 });
      await page.goto(server.url);
      await page.getByRole('link', { name: /launch-week/ }).waitFor(WAIT);
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${server.url}/#/room/${launchId}`);
      await page.getByRole('log').getByText('An answer.').waitFor(WAIT);
      expect(await axeViolations(page)).toEqual([]);
      await ctx.close();
    });
    it(`axe finds nothing on Settings and Admin, their new secrets and confirmations (${scheme})`, async () => {
      for (const viewport of [
        { width: 1280, height: 800 },
        { width: 375, height: 812 },
      ]) {
        const at = `${scheme}, ${viewport.width} px`;
        const { ctx, page } = await signedInPage(scheme, viewport);
        await page.goto(`${server.url}/#/settings`);
        await page.getByRole('list', { name: 'Sessions' }).waitFor(WAIT);
        expect(await axeViolations(page), `Settings (${at})`).toEqual([]);
        await page.getByLabel('Token name').fill(`bot ${at}`);
        await page.getByRole('button', { name: 'Create token' }).click();
        await page.getByText('it will not be shown again').waitFor(WAIT);
        expect(await axeViolations(page), `a new token (${at})`).toEqual([]);
        await page.getByRole('button', { name: `Revoke bot ${at}` }).click();
        await page.getByRole('dialog', { name: /^Revoke/ }).waitFor(WAIT);
        expect(await axeViolations(page), `revoke a token (${at})`).toEqual([]);
        await page.keyboard.press('Escape');

        await page.goto(`${server.url}/#/admin`);
        await page.getByRole('list', { name: 'People' }).getByText('@finn').waitFor(WAIT);
        expect(await axeViolations(page), `Admin (${at})`).toEqual([]);
        await page.getByRole('button', { name: 'Create invite link' }).click();
        await page.getByLabel('Invite link', { exact: true }).waitFor(WAIT);
        await page.getByRole('list', { name: 'Invites' }).waitFor(WAIT);
        expect(await axeViolations(page), `a new invite (${at})`).toEqual([]);
        await page.getByRole('button', { name: 'Deactivate @finn' }).click();
        await page.getByRole('dialog', { name: /^Deactivate/ }).waitFor(WAIT);
        expect(await axeViolations(page), `deactivate someone (${at})`).toEqual([]);
        await page.keyboard.press('Escape');
        await ctx.close();
      }
    });
  }

  /** What has the keyboard focus, by its accessible label or text. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
    });

  it('keyboard only: create a room and send a message into it', async () => {
    const { ctx, page } = await signedInPage('light');
    await page.goto(server.url);
    await page.getByRole('link', { name: /launch-week/ }).waitFor(WAIT);
    for (let i = 0; i < 10 && (await focused(page)) !== 'Create a room'; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focused(page)).toBe('Create a room');
    await page.keyboard.press('Enter');
    // The dialog's first field has the focus: what I type at once lands in it.
    await page.keyboard.type('kbd-room');
    expect(await page.getByLabel('Room name').inputValue()).toBe('kbd-room');
    await page.keyboard.press('Enter');
    // The new room opens with the focus in its composer.
    await page.getByRole('heading', { name: 'kbd-room' }).waitFor(WAIT);
    await expect.poll(() => focused(page), WAIT).toBe('Message');
    await page.keyboard.type('Hello from the keyboard');
    await page.keyboard.press('Enter');
    const sent = page
      .getByRole('log')
      .locator('article.msg')
      .filter({ hasText: 'Hello from the keyboard' });
    await sent.waitFor(WAIT);
    await expect.poll(() => sent.getAttribute('class'), WAIT).not.toMatch(/sending|waiting|failed/);
    await ctx.close();
  });

  it('dialogs hand the focus back to what opened them; opening a room focuses its composer', async () => {
    const { ctx, page } = await signedInPage('dark');
    await page.goto(server.url);
    const browse = page.getByRole('button', { name: 'Browse', exact: true });
    await browse.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Browse public rooms' }).waitFor(WAIT);
    expect(await focused(page)).toBe('');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe(
      'search',
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('Browse');

    const create = page.getByRole('button', { name: 'Create a room' }).first();
    await create.focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('dialog', { name: 'Create a room' })
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expect.poll(() => focused(page)).toBe('Create a room');

    // A room picked in the sidebar (keyboard: Enter on its link) puts me in its composer.
    await page.getByRole('link', { name: /launch-week/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('log').getByText('An answer.').waitFor(WAIT);
    await expect.poll(() => focused(page), WAIT).toBe('Message');
    await ctx.close();
  });

  it('typing with nothing focused goes to the composer; "Skip to composer" is the first Tab stop', async () => {
    const { ctx, page } = await signedInPage('light');
    await page.goto(`${server.url}/#/room/${launchId}`);
    await page.getByRole('log').getByText('An answer.').waitFor(WAIT);
    const composer = page.getByRole('textbox', { name: 'Message' });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await focused(page)).toBeNull();
    await page.keyboard.type('hi there');
    expect(await composer.inputValue()).toBe('hi there');
    await composer.fill('');

    // The first thing in the page one can Tab to: before the sidebar's first control.
    const first = await page.evaluate(
      () => document.querySelector<HTMLElement>('a[href], button, input, textarea')?.textContent,
    );
    expect(first).toBe('Skip to composer');
    await page.getByRole('button', { name: 'Create a room' }).first().focus();
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('Skip to composer');
    const skip = page.getByRole('link', { name: 'Skip to composer' });
    const box = await skip.boundingBox();
    expect(box && box.y >= 0 && box.width > 40 && box.height >= 24).toBe(true);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('Message');
    expect(page.url()).toContain(`#/room/${launchId}`);
    await ctx.close();
  });

  it('below 720 px every control is at least 44 × 44 px, and message actions cover no text', async () => {
    const { ctx, page } = await signedInPage('light', { width: 375, height: 812 });
    await page.goto(server.url);
    await page.getByRole('link', { name: /launch-week/ }).waitFor(WAIT);
    expect(await smallTargets(page), 'room list').toEqual([]);
    for (const [opener, title] of [
      ['Create a room', 'Create a room'],
      ['Browse', 'Browse public rooms'],
      ['New', 'New direct message'],
    ]) {
      await page.getByRole('button', { name: opener, exact: true }).first().click();
      await page.getByRole('dialog', { name: title }).waitFor(WAIT);
      expect(await smallTargets(page), title).toEqual([]);
      await page.keyboard.press('Escape');
    }

    await page.goto(`${server.url}/#/room/${launchId}`);
    await page.getByRole('log').getByText('An answer.').waitFor(WAIT);
    expect(await smallTargets(page), 'room').toEqual([]);
    // A tap on a message shows its actions, under it.
    const question = page
      .getByRole('log')
      .locator('article.msg', { hasText: 'worth a reply' })
      .first();
    await question.locator('.body').click();
    await question.getByRole('button', { name: 'Reply', exact: true }).waitFor(WAIT);
    expect(await smallTargets(page), 'message actions').toEqual([]);
    expect(await coveredByActions(page)).toEqual([]);
    await page
      .locator('.room-header')
      .getByRole('button', { name: /members/ })
      .click();
    await page.locator('.members-panel').getByText('@finn').waitFor(WAIT);
    expect(await smallTargets(page), 'member list').toEqual([]);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('dialog', { name: /Invite to/ }).waitFor(WAIT);
    expect(await smallTargets(page), 'invite').toEqual([]);

    await page.goto(`${server.url}/#/settings`);
    await page.getByRole('list', { name: 'Sessions' }).waitFor(WAIT);
    await page.getByRole('list', { name: 'Bot tokens' }).waitFor(WAIT);
    expect(await smallTargetsAnywhere(page), 'Settings').toEqual([]);
    await page.goto(`${server.url}/#/admin`);
    await page.getByRole('list', { name: 'People' }).getByText('@finn').waitFor(WAIT);
    await page.getByRole('list', { name: 'Invites' }).waitFor(WAIT);
    expect(await smallTargetsAnywhere(page), 'Admin').toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await ctx.close();
  });

  it('on a wide screen too, a message’s actions cover no text', async () => {
    const { ctx, page } = await signedInPage('dark');
    await page.goto(`${server.url}/#/room/${launchId}`);
    await page.getByRole('log').getByText('An answer.').waitFor(WAIT);
    for (const text of ['Grouped under it.', 'worth a reply', 'An answer.', 'Hello from ben']) {
      await page.getByRole('log').locator('article.msg', { hasText: text }).first().hover();
      expect(await coveredByActions(page), text).toEqual([]);
    }
    await ctx.close();
  });
});
