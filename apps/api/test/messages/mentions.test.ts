/**
 * Mentions: `@username` of a member of the room (never a non-member, never the author) is a
 * mention, on send and on edit; `rooms.list` counts unread mentions, the user stream keeps
 * that live and markRead clears it; `messages.mentions` pages my mentions newest first and
 * never shows a room I am not in. rooms.setNotifications stores my level per room.
 */
import type { UserEvent } from '@parley/api-contract/schemas';
import { mentions } from '@parley/db';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  clientId,
  codeOf,
  type Person,
  shareRoom,
  signUp,
  waitFor,
  withPeople,
} from '../support/harness.js';

const { server, ana, ben, eve } = withPeople(['ana', 'ben', 'eve']);

const send = (who: Person, roomId: string, body: string) =>
  who.client.messages.send.mutate({ roomId, body, clientId: clientId() });

async function summaryOf(who: Person, roomId: string) {
  const list = await who.client.rooms.list.query();
  const room = list.find((r) => r.id === roomId);
  if (!room) throw new Error('room not in the list');
  return room;
}

/** The user's own stream, collected. */
function userEvents(who: Person) {
  const events: UserEvent[] = [];
  let started = false;
  const sub = who.client.live.userEvents.subscribe(undefined, {
    onStarted: () => {
      started = true;
    },
    onData: (event) => events.push(event),
  });
  return { events, started: () => started, stop: () => sub.unsubscribe() };
}

describe('mentions on send', () => {
  it('mentions members only: not a non-member, not the author, any case, not in code', async () => {
    const room = await shareRoom(ana, ben, 'mention members');
    const sent = await send(
      ana,
      room.id,
      `hi @BEN and @eve and @ana, mail ben@example.org, \`@ben\` @nobody_here @ben`,
    );
    // eve exists but is not a member; ana is the author; ben once.
    expect(sent.mentions).toEqual([ben.user.id]);
    const plain = await send(ana, room.id, 'no one named here');
    expect(plain.mentions).toEqual([]);
    // Views read back agree: history and around.
    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items.find((m) => m.id === sent.id)?.mentions).toEqual([ben.user.id]);
    expect(history.items.find((m) => m.id === plain.id)?.mentions).toEqual([]);
    const around = await ben.client.messages.around.query({ messageId: sent.id });
    expect(around.items.find((m) => m.id === sent.id)?.mentions).toEqual([ben.user.id]);
    const [rows] = await server.db.db
      .select({ n: count() })
      .from(mentions)
      .where(eq(mentions.messageId, sent.id));
    expect(Number(rows?.n)).toBe(1);
  });

  it('stores mentions of a batch written together (group commit)', async () => {
    const room = await shareRoom(ana, ben, 'mention batch');
    await ana.client.rooms.invite.mutate({ roomId: room.id, username: eve.user.username });
    const sent = await Promise.all([
      send(ana, room.id, '@ben one'),
      send(ana, room.id, 'plain two'),
      send(ana, room.id, '@eve @ben three'),
      send(ben, room.id, '@ana four'),
    ]);
    expect(sent.map((m) => [...m.mentions].sort())).toEqual([
      [ben.user.id],
      [],
      [ben.user.id, eve.user.id].sort(),
      [ana.user.id],
    ]);
  });
});

describe('mentionCount', () => {
  it('counts unread mentions of me, live over my stream, and markRead clears it', async () => {
    const room = await shareRoom(ana, ben, 'mention count');
    const stream = userEvents(ben);
    try {
      await waitFor(stream.started, 'ben’s stream to start');
      const before = await summaryOf(ben, room.id);
      expect(before.mentionCount).toBe(0);
      expect(before.notifications).toBe('mentions');
      await send(ana, room.id, 'no mention');
      const first = await send(ana, room.id, 'look @ben');
      const second = await send(ana, room.id, '@ben again');
      await waitFor(
        () =>
          stream.events.some(
            (e) => e.type === 'room.activity' && e.message.position === second.position,
          ),
        'the second mention on ben’s stream',
      );
      const live = stream.events.flatMap((e) =>
        e.type === 'room.activity' && e.roomId === room.id ? [e.mentions] : [],
      );
      expect(live).toEqual([[], [ben.user.id], [ben.user.id]]);
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(2);
      // Ana's own list counts none (she wrote them).
      expect((await summaryOf(ana, room.id)).mentionCount).toBe(0);
      // Read up to the first mention: one left; read all: none.
      await ben.client.rooms.markRead.mutate({ roomId: room.id, position: first.position });
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(1);
      await ben.client.rooms.markRead.mutate({ roomId: room.id, position: second.position });
      // Later marks of a (user, room) are written within a window (ReadMarks).
      let after = await summaryOf(ben, room.id);
      const deadline = Date.now() + 10_000;
      while (after.mentionCount !== 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        after = await summaryOf(ben, room.id);
      }
      expect(after.mentionCount).toBe(0);
      expect(after.unread).toBe(0);
    } finally {
      stream.stop();
    }
  });

  it('follows an edit that adds or removes a mention, and a deletion', async () => {
    const room = await shareRoom(ana, ben, 'mention edits');
    const stream = userEvents(ben);
    try {
      await waitFor(stream.started, 'ben’s stream to start');
      const message = await send(ana, room.id, 'hello there');
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(0);

      const added = await ana.client.messages.edit.mutate({
        messageId: message.id,
        body: 'hello there @ben',
      });
      expect(added.mentions).toEqual([ben.user.id]);
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(1);
      await waitFor(
        () => stream.events.some((e) => e.type === 'room.mention' && e.mentioned),
        'the added mention on ben’s stream',
      );
      expect(stream.events.find((e) => e.type === 'room.mention')).toEqual({
        type: 'room.mention',
        roomId: room.id,
        messageId: message.id,
        position: message.position,
        mentioned: true,
      });
      expect((await ben.client.messages.mentions.query()).items[0]?.message.id).toBe(message.id);

      const removed = await ana.client.messages.edit.mutate({
        messageId: message.id,
        body: 'hello there, everyone',
      });
      expect(removed.mentions).toEqual([]);
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(0);
      await waitFor(
        () => stream.events.some((e) => e.type === 'room.mention' && !e.mentioned),
        'the removed mention on ben’s stream',
      );
      expect(
        (await ben.client.messages.mentions.query()).items.map((i) => i.message.id),
      ).not.toContain(message.id);

      // A deleted message mentions no one.
      const again = await send(ana, room.id, 'one more @ben');
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(1);
      await ana.client.messages.delete.mutate({ messageId: again.id });
      expect((await summaryOf(ben, room.id)).mentionCount).toBe(0);
      await waitFor(
        () =>
          stream.events.some(
            (e) => e.type === 'room.mention' && e.messageId === again.id && !e.mentioned,
          ),
        'the deleted mention on ben’s stream',
      );
    } finally {
      stream.stop();
    }
  });
});

describe('messages.mentions', () => {
  it('pages my mentions newest first, with their room, and never a room I left', async () => {
    const cat = await signUp(server.app.url, 'cat');
    const dan = await signUp(server.app.url, 'dan');
    try {
      const kept = await shareRoom(cat, dan, 'kept room');
      const left = await shareRoom(cat, dan, 'left room');
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await send(cat, kept.id, `@dan number ${i}`));
      const gone = await send(cat, left.id, '@dan in a room dan leaves');
      await send(cat, kept.id, 'not a mention');

      const all = await dan.client.messages.mentions.query();
      expect(all.items.map((i) => i.message.id)).toEqual([
        gone.id,
        ...sent.map((m) => m.id).reverse(),
      ]);
      expect(all.items[1]?.room).toEqual({ id: kept.id, name: 'kept room', kind: 'private' });
      expect(all.nextCursor).toBeNull();

      await dan.client.rooms.leave.mutate({ roomId: left.id });
      const first = await dan.client.messages.mentions.query({ limit: 2 });
      expect(first.items.map((i) => i.message.id)).toEqual([sent[4]?.id, sent[3]?.id]);
      expect(first.nextCursor).toBe(sent[3]?.id);
      const second = await dan.client.messages.mentions.query({
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map((i) => i.message.id)).toEqual([sent[2]?.id, sent[1]?.id]);
      const third = await dan.client.messages.mentions.query({
        limit: 2,
        cursor: second.nextCursor,
      });
      expect(third.items.map((i) => i.message.id)).toEqual([sent[0]?.id]);
      expect(third.nextCursor).toBeNull();

      // Someone else's list never holds mine, nor does a cursor of mine open it.
      expect(
        (await ana.client.messages.mentions.query()).items.map((i) => i.message.id),
      ).not.toContain(sent[0]?.id);
      const foreign = await ana.client.messages.mentions.query({ cursor: sent[4]?.id });
      expect(foreign.items).toEqual([]);
    } finally {
      cat.close();
      dan.close();
    }
  });

  it('refuses bad input', async () => {
    expect(await codeOf(ben.client.messages.mentions.query({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(ben.client.messages.mentions.query({ limit: 1000 }))).toBe('BAD_REQUEST');
    expect(await codeOf(ben.client.messages.mentions.query({ cursor: 'not-an-id' }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('rooms.setNotifications', () => {
  it('stores my level for a room, reflected in rooms.list and on my stream', async () => {
    const room = await shareRoom(ana, ben, 'notify levels');
    const stream = userEvents(ben);
    try {
      await waitFor(stream.started, 'ben’s stream to start');
      expect(
        await ben.client.rooms.setNotifications.mutate({ roomId: room.id, level: 'all' }),
      ).toEqual({ roomId: room.id, level: 'all' });
      expect((await summaryOf(ben, room.id)).notifications).toBe('all');
      // Mine only: ana's level is hers.
      expect((await summaryOf(ana, room.id)).notifications).toBe('mentions');
      await waitFor(
        () => stream.events.some((e) => e.type === 'room.notifications' && e.roomId === room.id),
        'the level on ben’s stream',
      );
      await ben.client.rooms.setNotifications.mutate({ roomId: room.id, level: 'none' });
      expect((await summaryOf(ben, room.id)).notifications).toBe('none');
    } finally {
      stream.stop();
    }
  });

  it('refuses a level that does not exist and a room I am not in', async () => {
    const room = await shareRoom(ana, ben, 'notify refusals');
    expect(
      await codeOf(
        ben.client.rooms.setNotifications.mutate({
          roomId: room.id,
          // @ts-expect-error: not a level
          level: 'loud',
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await codeOf(eve.client.rooms.setNotifications.mutate({ roomId: room.id, level: 'all' })),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(ben.client.rooms.setNotifications.mutate({ roomId: 'x', level: 'all' })),
    ).toBe('BAD_REQUEST');
  });
});
