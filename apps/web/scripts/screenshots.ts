/**
 * `pnpm screenshots`: builds the web app, starts a production-mode server on a fresh database,
 * seeds a demo (people, rooms, a conversation) and captures the main screens into
 * docs/screenshots/ (1280 px light and dark, 375 px light and dark, the room list at 375 px, sign-in,
 * Settings at 1280 px and 375 px, a new bot token, Admin light and dark, a thread open beside the
 * room at 1280 px and over it at 375 px, search results, a reaction picker, the Mentions screen,
 * the message list by keyboard with a message's menu).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AppRouter } from '@parley/api-contract';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { BrowserContext } from 'playwright-core';
import { browserSkipReason, buildWeb, launchChromium, startServer, webRoot } from '../test/support';

const outDir = path.resolve(webRoot, '../../docs/screenshots');
const PASSWORD = 'demo-password-1';

const skip = browserSkipReason();
if (skip) {
  console.error(`Cannot take screenshots: ${skip}`);
  process.exit(1);
}

// Emoji (reactions, the picker) render in colour only with a colour emoji font installed.
const fonts = (() => {
  try {
    return execFileSync('fc-list', [':family'], { encoding: 'utf8' });
  } catch {
    return '';
  }
})();
if (!/color emoji/i.test(fonts)) {
  console.warn(
    'No colour emoji font found (fc-list): emoji will show as outlines or boxes. ' +
      'Install one, e.g. `apt-get install fonts-noto-color-emoji`.',
  );
}

mkdirSync(outDir, { recursive: true });
const web = await buildWeb();
const server = await startServer(web.dir);
const browser = await launchChromium();

try {
  const people = [
    ['mira', 'Mira Chen'],
    ['ana', 'Ana Souza'],
    ['ben', 'Ben Okafor'],
    ['chloe', 'Chloé Martin'],
    ['dev', 'Dev Patel'],
  ] as const;
  const anon = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc` })] });
  const as: Record<string, ReturnType<typeof createTRPCClient<AppRouter>>> = {};
  for (const [username, displayName] of people) {
    const { token } = await anon.auth.signUp.mutate({ username, password: PASSWORD, displayName });
    as[username] = createTRPCClient<AppRouter>({
      links: [
        httpLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${token}` } }),
      ],
    });
  }
  const client = (name: string) => {
    const c = as[name];
    if (!c) throw new Error(`no client for ${name}`);
    return c;
  };

  let n = 0;
  const say = async (who: string, roomId: string, body: string, replyToId?: string) =>
    client(who).messages.send.mutate({ roomId, body, clientId: `seed${n++}`, replyToId });

  const launch = await client('ana').rooms.create.mutate({
    name: 'launch-week',
    visibility: 'private',
  });
  for (const u of ['mira', 'ben', 'chloe', 'dev']) {
    await client('ana').rooms.invite.mutate({ roomId: launch.id, username: u });
  }
  const design = await client('chloe').rooms.create.mutate({
    name: 'design-crit',
    visibility: 'public',
  });
  const random = await client('dev').rooms.create.mutate({ name: 'random', visibility: 'public' });
  await client('dev').rooms.create.mutate({ name: 'help-desk', visibility: 'public' });
  for (const u of ['mira', 'ana', 'ben']) {
    await client(u).rooms.join.mutate({ roomId: design.id });
    await client(u).rooms.join.mutate({ roomId: random.id });
  }

  await say('chloe', design.id, 'New onboarding mocks are up — feedback welcome before Thursday');
  await say('mira', design.id, 'Love the empty states. Can we try the illustrations at 80%?');

  await say('ana', launch.id, 'Morning all! Launch checklist is in the doc, **three items left**.');
  const notes = await say('ben', launch.id, 'Release notes draft: https://parley.dev/notes/0-9');
  const reply = (who: string, body: string) =>
    client(who).messages.send.mutate({
      roomId: launch.id,
      body,
      clientId: `seed${n++}`,
      threadId: notes.id,
    });
  await reply('ana', 'Looks good! Can we lead with the new search?');
  await reply('dev', 'The upgrade steps need the `pnpm db:migrate` line.');
  await reply('mira', 'Agree with Ana, search first. I will proofread the rest.');
  await say('ben', launch.id, 'Still missing the migration section, on it now.');
  const q = await say(
    'dev',
    launch.id,
    'Is the `v0.9` tag cut yet, or are we waiting on the API fix?',
  );
  await say('ana', launch.id, 'Waiting on the fix. Should land this afternoon.', q.id);
  await say(
    'dev',
    launch.id,
    'Cool. For anyone testing locally:\n```\npnpm install\npnpm db:migrate && pnpm dev\n```',
  );
  const typo = await say('mira', launch.id, 'Smoke tests are green on staging');
  await client('mira').messages.edit.mutate({
    messageId: typo.id,
    body: 'Smoke tests are green on staging and prod',
  });
  const oops = await say('chloe', launch.id, 'wrong channel, sorry');
  await client('chloe').messages.delete.mutate({ messageId: oops.id });
  await say('chloe', launch.id, 'Screenshots for the announcement are _almost_ done.');
  await say('ana', launch.id, 'Great work everyone. Go/no-go at 4pm');

  const dmAna = await client('ana').rooms.openDirect.mutate({ username: 'mira' });
  await say('ana', dmAna.id, 'Do you have 5 minutes before the go/no-go?');
  const dmBen = await client('ben').rooms.openDirect.mutate({ username: 'mira' });
  await say('ben', dmBen.id, 'Thanks for the review!');
  await say('dev', random.id, 'Who took the last oat milk');
  await say('ben', random.id, 'Guilty. Buying more at lunch.');

  const signedIn = async (ctx: BrowserContext, username: string) => {
    const res = await ctx.request.post(`${server.url}/trpc/auth.signIn`, {
      data: { username, password: PASSWORD },
    });
    if (!res.ok()) throw new Error(`sign-in failed for ${username}: ${res.status()}`);
  };

  // Ana and Ben are online (presence dots) and Ana is typing.
  const others = await browser.newContext();
  for (const u of ['ana', 'ben']) {
    await signedIn(others, u);
    const page = await others.newPage();
    await page.goto(`${server.url}/#/room/${launch.id}`);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await others.clearCookies();
  }

  const shoot = async (
    name: string,
    opts: {
      width: number;
      height: number;
      colorScheme: 'light' | 'dark';
      signedIn: boolean;
      /** Signed in: the room list (a phone's first screen) instead of #launch-week. */
      roomList?: boolean;
      /** Signed in: #launch-week with the release notes' thread open. */
      thread?: boolean;
      /**
       * Signed in: Settings (its top, or a bot token just created), Admin, Mentions, or
       * #launch-week with search results, a reaction picker open, or a message's menu opened
       * by keyboard.
       */
      screen?:
        | 'settings'
        | 'bot-token'
        | 'admin'
        | 'mentions'
        | 'search'
        | 'reactions'
        | 'keyboard';
    },
  ) => {
    const ctx = await browser.newContext({
      viewport: { width: opts.width, height: opts.height },
      colorScheme: opts.colorScheme,
      deviceScaleFactor: opts.width < 500 ? 2 : 1,
    });
    const page = await ctx.newPage();
    if (!opts.signedIn) {
      await page.goto(server.url);
      await page.getByLabel('Username').waitFor();
    } else if (opts.screen === 'settings' || opts.screen === 'bot-token') {
      await signedIn(ctx, 'mira');
      await page.goto(`${server.url}/#/settings`);
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await page.getByRole('list', { name: 'Sessions' }).waitFor();
      await page.getByRole('list', { name: 'Bot tokens' }).waitFor();
      if (opts.screen === 'bot-token') {
        await page.getByLabel('Token name').fill('dicebot');
        await page.getByRole('button', { name: 'Create token' }).click();
        await page.getByText('it will not be shown again').waitFor();
        await page
          .getByRole('heading', { name: 'Bot tokens' })
          .evaluate((h) => h.scrollIntoView({ block: 'start' }));
      }
    } else if (opts.screen === 'admin') {
      await signedIn(ctx, 'mira');
      await page.goto(`${server.url}/#/admin`);
      await page.getByRole('heading', { name: 'Admin' }).waitFor();
      await page.getByRole('list', { name: 'People' }).waitFor();
      await page.getByRole('list', { name: 'Invites' }).waitFor();
    } else if (opts.thread) {
      await signedIn(ctx, 'mira');
      await page.goto(`${server.url}/#/room/${launch.id}/thread/${notes.id}`);
      const panel = page.getByRole('complementary', { name: 'Thread' });
      await panel.getByText('I will proofread the rest').waitFor();
      await page.getByText('3 online').waitFor();
      await page.mouse.move(0, 0);
    } else if (opts.screen === 'mentions') {
      await signedIn(ctx, 'mira');
      await page.goto(`${server.url}/#/mentions`);
      await page
        .getByRole('list', { name: 'Mentions of you' })
        .getByRole('listitem')
        .first()
        .waitFor();
    } else if (opts.screen) {
      await signedIn(ctx, 'mira');
      await page.goto(`${server.url}/#/room/${launch.id}`);
      const log = page.getByRole('log');
      await log.getByText('final smoke run').waitFor();
      if (opts.screen === 'search') {
        await page.getByRole('combobox', { name: 'Search messages' }).fill('migrations');
        await page
          .getByRole('listbox', { name: 'Search results' })
          .getByRole('option')
          .first()
          .waitFor();
      } else if (opts.screen === 'reactions') {
        const row = log.locator('article.msg').filter({ hasText: 'Great work everyone' });
        await row.hover();
        await row.getByRole('button', { name: 'Add reaction' }).click();
        const picker = page.getByRole('dialog', { name: 'Choose a reaction' });
        await picker.locator('input#search').waitFor();
        await page.keyboard.type('party');
        await picker.getByRole('option', { name: /party/i }).first().waitFor();
      } else if (opts.screen === 'keyboard') {
        await page.getByRole('textbox', { name: 'Message' }).focus();
        await page.keyboard.press('Shift+Tab');
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
        await page.keyboard.press('Enter');
        await page.getByRole('menu', { name: 'Message actions' }).waitFor();
      }
    } else if (opts.roomList) {
      await signedIn(ctx, 'mira');
      await page.goto(server.url);
      await page.getByRole('link', { name: /launch-week/ }).waitFor();
    } else {
      await signedIn(ctx, 'mira');
      await page.goto(`${server.url}/#/room/${launch.id}`);
      await page.getByRole('log').getByText('Go/no-go at 4pm').waitFor();
      await page.getByText('3 online').waitFor();
      const typing = page.getByText('Ana Souza is typing…');
      // The server announces typing when it starts; if this page subscribed after that, let
      // the signal lapse (~5 s) and start again.
      for (let i = 0; i < 4 && !(await typing.isVisible()); i++) {
        await client('ana').live.typing.mutate({ roomId: launch.id });
        const shown = await typing.waitFor({ timeout: 1_500 }).then(
          () => true,
          () => false,
        );
        if (!shown) await page.waitForTimeout(6_000);
      }
      await page.mouse.move(0, 0);
    }
    const file = path.join(outDir, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
    await ctx.close();
  };

  await shoot('desktop-light', { width: 1280, height: 800, colorScheme: 'light', signedIn: true });
  await shoot('desktop-dark', { width: 1280, height: 800, colorScheme: 'dark', signedIn: true });
  await shoot('mobile', { width: 375, height: 812, colorScheme: 'light', signedIn: true });
  await shoot('mobile-dark', { width: 375, height: 812, colorScheme: 'dark', signedIn: true });
  await shoot('mobile-rooms', {
    width: 375,
    height: 812,
    colorScheme: 'light',
    signedIn: true,
    roomList: true,
  });
  const thread = { colorScheme: 'light', signedIn: true, thread: true } as const;
  await shoot('thread', { ...thread, width: 1280, height: 800 });
  await shoot('thread-mobile', { ...thread, width: 375, height: 812 });
  await shoot('sign-in', { width: 1280, height: 800, colorScheme: 'light', signedIn: false });

  // Mira (the first account) owns the workspace: invite-only, two invites, Dev deactivated.
  await client('mira').tokens.create.mutate({ name: 'deploy notifier' });
  await client('mira').admin.updateSettings.mutate({ signUp: 'invite' });
  await client('mira').admin.createInvite.mutate({ expiresInHours: 24 * 7, maxUses: 5 });
  const used = await client('mira').admin.createInvite.mutate({ expiresInHours: 24 });
  await client('mira').admin.revokeInvite.mutate({ inviteId: used.invite.id });
  const devId = (await client('mira').admin.users.query({ search: 'dev' })).users[0]?.id;
  if (devId) await client('mira').admin.deactivateUser.mutate({ userId: devId });
  const settings = { colorScheme: 'light', signedIn: true } as const;
  await shoot('settings', { ...settings, width: 1280, height: 1000, screen: 'settings' });
  await shoot('settings-bot-token', { ...settings, width: 1280, height: 800, screen: 'bot-token' });
  await shoot('settings-mobile', { ...settings, width: 375, height: 812, screen: 'settings' });
  await shoot('admin', { ...settings, width: 1280, height: 1250, screen: 'admin' });
  await shoot('admin-dark', {
    ...settings,
    colorScheme: 'dark',
    width: 1280,
    height: 1250,
    screen: 'admin',
  });

  // Reactions, mentions of Mira, and something to search for.
  const latest = await client('mira').messages.history.query({ roomId: launch.id, limit: 20 });
  const find = (text: string) => latest.items.find((m) => m.body.includes(text))?.id ?? '';
  const great = find('Great work everyone');
  for (const [who, emoji] of [
    ['mira', '🎉'],
    ['ben', '🎉'],
    ['chloe', '🎉'],
    ['ana', '👍'],
    ['ben', '🚀'],
  ] as const) {
    await client(who).messages.react.mutate({ messageId: great, emoji });
  }
  await client('ana').messages.react.mutate({ messageId: find('Smoke tests'), emoji: '✅' });
  await say('chloe', design.id, '@mira the v2 mocks are in Figma, comments open');
  await say('ben', launch.id, 'Migrations are in the release notes now, @mira please skim them');
  await say('ana', launch.id, '@mira can you do the final smoke run at 3?');
  await shoot('search', { ...settings, width: 1280, height: 800, screen: 'search' });
  await shoot('reactions', { ...settings, width: 1280, height: 800, screen: 'reactions' });
  await shoot('mentions', { ...settings, width: 1280, height: 800, screen: 'mentions' });
  await shoot('keyboard', { ...settings, width: 1280, height: 800, screen: 'keyboard' });
} finally {
  await browser.close();
  await server.close();
  web.cleanup();
}
