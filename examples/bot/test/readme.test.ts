/**
 * The README's "Build a bot" shows examples/bot/src/minimal.ts (which `pnpm typecheck`
 * checks) verbatim, in under 30 lines, and that bot works: run as a process against a real
 * server, it answers a person's `/roll 2d6`, `/time` and mention.
 */
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from '@parley/api/testing';
import { createParleyClient, type MessageView, type ParleyClient } from '@parley/api-contract';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type BotProcess, runBot, until } from './harness.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const minimal = readFileSync(new URL('../src/minimal.ts', import.meta.url), 'utf8');
const PASSWORD = 'correct horse battery staple';

describe('README: Build a bot', () => {
  it('shows the minimal bot as it is in examples/bot, in under 30 lines', () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith('Build a bot\n'));
    expect(section, 'README has a "## Build a bot" section').toBeDefined();
    const code = /```ts\n([\s\S]*?)```/.exec(section ?? '')?.[1];
    expect(code).toBe(minimal);
    expect(minimal.trimEnd().split('\n').length).toBeLessThan(30);
  });

  describe('the minimal bot, run', () => {
    let server: TestServer | undefined;
    let bot: BotProcess | undefined;
    const clients: ParleyClient[] = [];
    afterAll(async () => {
      if (bot?.running()) bot.kill('SIGKILL');
      for (const client of clients) await client.close();
      await server?.close();
    });

    it('answers /roll 2d6, /time and a mention', async () => {
      server = await startTestServer();
      const connect = (token: string | null) => {
        const client = createParleyClient({ url: server?.url ?? '', token, WebSocket });
        clients.push(client);
        return client.api;
      };
      const anonymous = connect(null);
      const person = connect(
        (await anonymous.auth.signUp.mutate({ username: 'grace', password: PASSWORD })).token,
      );
      const owner = connect(
        (await anonymous.auth.signUp.mutate({ username: 'minibot', password: PASSWORD })).token,
      );
      const { secret } = await owner.tokens.create.mutate({ name: 'mini' });
      const room = await person.rooms.create.mutate({ name: 'general', visibility: 'public' });
      const seen: MessageView[] = [];
      let started = false;
      person.live.roomEvents.subscribe(
        { roomId: room.id },
        {
          onStarted: () => {
            started = true;
          },
          onData: ({ data }) => seen.push(data.message),
        },
      );
      await until(() => started, 'grace to be listening');

      bot = runBot('minimal.ts', {
        PARLEY_URL: server.url,
        PARLEY_TOKEN: secret,
        PARLEY_ROOM: 'general',
      });
      // The minimal bot says nothing when it is ready: ask again until it answers.
      const ask = async (body: string) => {
        for (let attempt = 0; ; attempt++) {
          const sent = await person.messages.send.mutate({
            roomId: room.id,
            body,
            clientId: `${attempt}-${body.replace(/\W/g, '')}`,
          });
          const reply = await until(
            () => seen.find((m) => m.replyTo?.id === sent.id),
            `a reply to ${body}`,
            2_000,
          ).catch(() => undefined);
          if (reply) return reply.body;
          if (!bot?.running() || attempt > 20) throw new Error(`no reply:\n${bot?.output()}`);
        }
      };
      expect(await ask('/roll 2d6')).toMatch(/^🎲 [1-6] \+ [1-6] = \d+$/);
      expect(await ask('/time')).toMatch(/^🕒 \d{4}-\d\d-\d\dT/);
      expect(await ask('hi @minibot')).toBe('Hi @grace!');
    });
  });
});
