/**
 * messages.react / unreact: idempotent (5 concurrent identical calls are one reaction), one
 * emoji only, at most LIMITS.reactionsPerMessage different emoji per message; a change is a room
 * event with a position, live to other subscribers and replayed on resume.
 */
import { LIMITS } from '@parley/api-contract/limits';
import { reactions, roomEvents } from '@parley/db';
import { and, count, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { clientId, codeOf, collect, shareRoom, waitFor, withPeople } from '../support/harness.js';

const { server, ana, ben, eve } = withPeople(['ana', 'ben', 'eve']);

async function freshMessage(name: string) {
  const room = await shareRoom(ana, ben, name);
  const message = await ana.client.messages.send.mutate({
    roomId: room.id,
    body: 'react to me',
    clientId: clientId(),
  });
  return { roomId: room.id, messageId: message.id, position: message.position };
}

async function reactionEvents(messageId: string) {
  const [row] = await server.db.db
    .select({ n: count() })
    .from(roomEvents)
    .where(and(eq(roomEvents.messageId, messageId), like(roomEvents.type, 'reaction.%')));
  return Number(row?.n);
}

describe('messages.react', () => {
  it('is idempotent: 5 concurrent identical calls make one reaction and one event', async () => {
    const { messageId } = await freshMessage('react idempotent');
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => ben.client.messages.react.mutate({ messageId, emoji: '👍' })),
    );
    for (const reply of replies) {
      expect(reply.reactions).toEqual([
        {
          emoji: '👍',
          count: 1,
          me: true,
          users: [{ id: ben.user.id, username: ben.user.username, displayName: 'ben' }],
        },
      ]);
    }
    const [stored] = await server.db.db
      .select({ n: count() })
      .from(reactions)
      .where(eq(reactions.messageId, messageId));
    expect(Number(stored?.n)).toBe(1);
    expect(await reactionEvents(messageId)).toBe(1);
    // Unreacting twice is one removal too.
    await Promise.all([
      ben.client.messages.unreact.mutate({ messageId, emoji: '👍' }),
      ben.client.messages.unreact.mutate({ messageId, emoji: '👍' }),
    ]);
    expect(await reactionEvents(messageId)).toBe(2);
  });

  it('shows in history with count, me and the first names', async () => {
    const { roomId, messageId } = await freshMessage('react history');
    await ben.client.messages.react.mutate({ messageId, emoji: '🎉' });
    await ana.client.messages.react.mutate({ messageId, emoji: '🎉' });
    await ana.client.messages.react.mutate({ messageId, emoji: '👀' });
    const page = await ben.client.messages.history.query({ roomId });
    const reacted = page.items.find((m) => m.id === messageId);
    expect(reacted?.reactions.map((r) => [r.emoji, r.count, r.me])).toEqual([
      ['🎉', 2, true],
      ['👀', 1, false],
    ]);
    expect(reacted?.reactions[0]?.users.map((u) => u.username)).toEqual([
      ben.user.username,
      ana.user.username,
    ]);
  });

  it('is live to another client, and replayed to one that resumes after a drop', async () => {
    const { roomId, messageId, position } = await freshMessage('react live');
    const watcher = collect(ana, roomId, String(position));
    await waitFor(watcher.started, 'subscription');
    await ben.client.messages.react.mutate({ messageId, emoji: '❤️' });
    await waitFor(() => watcher.events.some((e) => e.type === 'reaction.added'), 'live reaction');
    const live = watcher.events.find((e) => e.type === 'reaction.added');
    expect(live?.type === 'reaction.added' && live.reaction).toEqual({
      emoji: '❤️',
      userId: ben.user.id,
    });
    expect(live?.message.reactions.map((r) => [r.emoji, r.count, r.me])).toEqual([['❤️', 1, false]]);
    const seen = live?.position ?? 0;
    watcher.stop();

    // Dropped: meanwhile one more reaction and its removal.
    await ana.client.messages.react.mutate({ messageId, emoji: '🔥' });
    await ana.client.messages.unreact.mutate({ messageId, emoji: '🔥' });
    const resumed = collect(ana, roomId, String(seen));
    await waitFor(() => resumed.events.length >= 2, 'replayed reactions');
    expect(resumed.events.map((e) => [e.type, e.position])).toEqual([
      ['reaction.added', seen + 1],
      ['reaction.removed', seen + 2],
    ]);
    const [added, removed] = resumed.events;
    expect(added?.type === 'reaction.added' && added.reaction).toEqual({
      emoji: '🔥',
      userId: ana.user.id,
    });
    expect(removed?.type === 'reaction.removed' && removed.reaction.emoji).toBe('🔥');
    resumed.stop();
  });

  it('takes one emoji only, with a clear error', async () => {
    const { messageId } = await freshMessage('react validation');
    for (const emoji of ['👍', '👍🏽', '👩‍👩‍👧', '🇫🇷', '1️⃣', '❤️']) {
      expect(await codeOf(ben.client.messages.react.mutate({ messageId, emoji })), emoji).toBe(
        'ok',
      );
    }
    for (const emoji of ['', 'a', 'lol', '👍👍', '👍 ', ':+1:', '1']) {
      await expect(
        ben.client.messages.react.mutate({ messageId, emoji }),
        JSON.stringify(emoji),
      ).rejects.toThrow(/emoji/i);
    }
  });

  it(`allows at most ${LIMITS.reactionsPerMessage} different emoji on a message`, async () => {
    const { messageId } = await freshMessage('react cap');
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩'];
    for (const e of emoji.slice(0, LIMITS.reactionsPerMessage)) {
      await ben.client.messages.react.mutate({ messageId, emoji: e });
    }
    await expect(
      ben.client.messages.react.mutate({
        messageId,
        emoji: emoji[LIMITS.reactionsPerMessage] ?? '',
      }),
    ).rejects.toThrow(`at most ${LIMITS.reactionsPerMessage} different emoji`);
    // One already there is still fine, for someone else too.
    const reply = await ana.client.messages.react.mutate({ messageId, emoji: emoji[0] ?? '' });
    expect(reply.reactions).toHaveLength(LIMITS.reactionsPerMessage);
  });

  it('is NOT_FOUND outside the room, and refused on a deleted message', async () => {
    const { messageId } = await freshMessage('react access');
    expect(await codeOf(eve.client.messages.react.mutate({ messageId, emoji: '👍' }))).toBe(
      'NOT_FOUND',
    );
    await ana.client.messages.delete.mutate({ messageId });
    expect(await codeOf(ben.client.messages.react.mutate({ messageId, emoji: '👍' }))).toBe(
      'BAD_REQUEST',
    );
  });
});
