/**
 * The example bot as its users run it: a child process given PARLEY_URL, PARLEY_TOKEN and
 * PARLEY_ROOM, against a real server on a real database. A person sends commands and sees the
 * bot's replies; the server restarts (same port, same database) and the bot answers a command
 * sent after the restart.
 */
import { startTestServer, type TestServer } from '@parley/api/testing';
import { createParleyClient, type MessageView, type ParleyClient } from '@parley/api-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { answer } from '../src/bot.js';
import { type BotProcess, runBot, until } from './harness.js';

const PASSWORD = 'correct horse battery staple';

describe('answer', () => {
  const from = { body: '', author: { id: 'u', username: 'alice', displayName: 'Alice' } };
  it('rolls, tells the time, answers mentions and ignores the rest', () => {
    const dice = [0.0, 0.99];
    const random = () => dice.shift() ?? 0.5;
    expect(answer({ ...from, body: '/roll 2d6' }, 'dicebot', random)).toBe('🎲 2d6: 1 + 6 = 7');
    expect(answer({ ...from, body: '/roll' }, 'dicebot', () => 0.5)).toBe('🎲 1d6: 4 = 4');
    expect(answer({ ...from, body: '/roll 99d6' }, 'dicebot')).toMatch(/1–20 dice/);
    const now = () => new Date('2030-01-02T03:04:05.000Z');
    expect(answer({ ...from, body: '/time' }, 'dicebot', Math.random, now)).toBe(
      '🕒 2030-01-02T03:04:05.000Z',
    );
    expect(answer({ ...from, body: 'hey @DiceBot, hi' }, 'dicebot')).toBe(
      'Hi @alice! Try /roll 2d6 or /time.',
    );
    expect(answer({ ...from, body: 'mail me at x@dicebot.io' }, 'dicebot')).toBeNull();
    expect(answer({ ...from, body: '@dicebots are great' }, 'dicebot')).toBeNull();
    expect(answer({ ...from, body: 'roll 2d6 please' }, 'dicebot')).toBeNull();
  });
});

describe('the example bot, as a process', () => {
  let server: TestServer;
  let bot: BotProcess;
  const clients: ParleyClient[] = [];
  let alice: ParleyClient['api'];
  let botAccount: ParleyClient['api'];
  let roomId: string;
  const seen: MessageView[] = [];

  const connect = (token: string | null) => {
    const client = createParleyClient({
      url: server.url,
      token,
      WebSocket,
      retryDelayMs: () => 200,
    });
    clients.push(client);
    return client.api;
  };
  let sent = 0;
  const say = async (via: ParleyClient['api'], body: string) =>
    via.messages.send.mutate({ roomId, body, clientId: `t-${++sent}` });
  const replyTo = (message: MessageView) =>
    until(
      () => seen.find((m) => m.replyTo?.id === message.id && m.author.username === 'dicebot'),
      `the bot's reply to “${message.body}”`,
    );

  beforeAll(async () => {
    server = await startTestServer();
    const anonymous = connect(null);
    const person = await anonymous.auth.signUp.mutate({ username: 'alice', password: PASSWORD });
    const owner = await anonymous.auth.signUp.mutate({ username: 'dicebot', password: PASSWORD });
    alice = connect(person.token);
    botAccount = connect(owner.token);
    const { secret } = await botAccount.tokens.create.mutate({ name: 'dice' });
    roomId = (await alice.rooms.create.mutate({ name: 'Lobby', visibility: 'public' })).id;

    let started = false;
    alice.live.roomEvents.subscribe(
      { roomId },
      {
        onStarted: () => {
          started = true;
        },
        onData: ({ data }) => {
          if (data.type === 'message.created') seen.push(data.message);
        },
      },
    );
    await until(() => started, 'alice to be listening');

    bot = runBot('main.ts', { PARLEY_URL: server.url, PARLEY_TOKEN: secret, PARLEY_ROOM: 'lobby' });
    await until(() => bot.output().includes('listening in'), 'the bot to start');
    expect(bot.output()).toContain('ready as @dicebot in lobby');
  });

  afterAll(async () => {
    if (bot?.running()) bot.kill('SIGKILL');
    for (const client of clients) await client.close();
    await server?.close();
  });

  it('rolls dice', async () => {
    const reply = await replyTo(await say(alice, '/roll 2d6'));
    const match = /^🎲 2d6: (\d+) \+ (\d+) = (\d+)$/.exec(reply.body);
    expect(match, reply.body).not.toBeNull();
    const [a, b, total] = (match ?? []).slice(1).map(Number);
    for (const die of [a, b]) {
      expect(die).toBeGreaterThanOrEqual(1);
      expect(die).toBeLessThanOrEqual(6);
    }
    expect(total).toBe((a ?? 0) + (b ?? 0));
  });

  it('tells the time', async () => {
    const before = Date.now();
    const reply = await replyTo(await say(alice, '/time'));
    const after = Date.now();
    const match = /^🕒 (\S+)$/.exec(reply.body);
    const time = Date.parse(match?.[1] ?? '');
    expect(time).toBeGreaterThanOrEqual(before - 1000);
    expect(time).toBeLessThanOrEqual(after + 1000);
  });

  it('answers a mention, and nothing else nor itself', async () => {
    const chatter = await say(alice, 'just chatting, no commands');
    const own = await say(botAccount, '/roll 1d6');
    const mention = await say(alice, 'hello @dicebot, are you there?');
    const reply = await replyTo(mention);
    expect(reply.body).toBe('Hi @alice! Try /roll 2d6 or /time.');
    // Replies go out in order, so by now any answer to the earlier two would be here.
    expect(seen.filter((m) => m.replyTo?.id === chatter.id)).toEqual([]);
    expect(seen.filter((m) => m.replyTo?.id === own.id)).toEqual([]);
    expect(seen.filter((m) => m.replyTo?.id === reply.id)).toEqual([]);
  });

  it('survives a server restart and answers a command sent after it', async () => {
    const connects = () =>
      bot
        .output()
        .split('\n')
        .filter((line) => line === 'connected').length;
    const opened = connects();
    await server.restart();
    // The bot reconnects by itself (and says so); alice's client does too.
    await until(() => connects() > opened, 'the bot to reconnect');
    const command = await say(alice, '/roll 3d4');
    const reply = await replyTo(command);
    expect(reply.body).toMatch(/^🎲 3d4: [1-4] \+ [1-4] \+ [1-4] = \d+$/);
    expect(bot.running()).toBe(true);
  });

  it('stops cleanly on SIGTERM', async () => {
    bot.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});
