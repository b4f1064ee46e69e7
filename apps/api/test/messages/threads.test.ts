/**
 * Threads (issue 11): messages.send with threadId makes a reply in a root's thread; the root's
 * view carries its summary (count, last reply, latest repliers), set live through the reply's
 * message.created (`rootThread`) and on resume; replies stay out of the room's main history
 * and unread counts but keep their positions in its event log; messages.thread pages them,
 * oldest first, for members only.
 */
import { LIMITS } from '@parley/api-contract/limits';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import {
  clientId,
  collect,
  type Person,
  shareRoom,
  signUp,
  waitFor,
  withPeople,
} from '../support/harness.js';

const { server, ana, ben, eve } = withPeople(['ana', 'ben', 'eve']);

/** The error's code and message, or 'ok'. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
    return { code: 'ok', message: '' };
  } catch (err) {
    if (err instanceof TRPCClientError)
      return { code: String(err.data?.code), message: err.message };
    throw err;
  }
}

async function roomWithRoot(name: string) {
  const room = await shareRoom(ana, ben, name);
  const root = await ana.client.messages.send.mutate({
    roomId: room.id,
    body: 'thread root',
    clientId: clientId(),
  });
  return { roomId: room.id, root };
}

function reply(person: Person, roomId: string, threadId: string, body: string) {
  return person.client.messages.send.mutate({ roomId, threadId, body, clientId: clientId() });
}

describe('thread replies', () => {
  it('count on the root: replyCount, lastReplyAt, latest distinct participants', async () => {
    const { roomId, root } = await roomWithRoot('thread counts');
    expect(root.thread).toBeNull();
    expect(root.threadId).toBeNull();
    const first = await reply(ben, roomId, root.id, 'one');
    expect(first.threadId).toBe(root.id);
    expect(first.thread).toBeNull();
    await reply(ana, roomId, root.id, 'two');
    const last = await reply(ben, roomId, root.id, 'three');

    const page = await ana.client.messages.history.query({ roomId });
    const shown = page.items.find((m) => m.id === root.id);
    expect(shown?.thread).toEqual({
      replyCount: 3,
      lastReplyAt: last.createdAt,
      // Latest first, each once.
      participants: [ben.user.id, ana.user.id],
    });
    // A message without replies has none.
    expect(page.items.filter((m) => m.id !== root.id).every((m) => m.thread === null)).toBe(true);
  });

  it(`keeps the latest ${LIMITS.threadParticipantsShown} repliers, also within one batch`, async () => {
    const room = await ana.client.rooms.create.mutate({
      name: 'thread crowd',
      visibility: 'public',
    });
    const people = await Promise.all(
      Array.from({ length: LIMITS.threadParticipantsShown + 2 }, (_, i) =>
        signUp(server.app.url, `crowd${i}${clientId().slice(0, 4)}`),
      ),
    );
    try {
      for (const p of people) await p.client.rooms.join.mutate({ roomId: room.id });
      const root = await ana.client.messages.send.mutate({
        roomId: room.id,
        body: 'who is coming?',
        clientId: clientId(),
      });
      // Concurrent: the room's group commit writes some of them in one statement.
      const sent = await Promise.all(people.map((p) => reply(p, room.id, root.id, 'me')));
      const latestFirst = [...sent].sort((a, b) => b.position - a.position);
      const { root: shown } = await ana.client.messages.thread.query({ messageId: root.id });
      expect(shown.thread?.replyCount).toBe(people.length);
      expect(shown.thread?.participants).toEqual(
        latestFirst.slice(0, LIMITS.threadParticipantsShown).map((m) => m.author.id),
      );
    } finally {
      for (const p of people) p.close();
    }
  });

  it('stay out of the main history, unread counts and the room preview', async () => {
    const { roomId, root } = await roomWithRoot('thread not in history');
    for (let i = 0; i < 3; i++) await reply(ana, roomId, root.id, `in thread ${i}`);
    const after = await ana.client.messages.send.mutate({
      roomId,
      body: 'in the room',
      clientId: clientId(),
    });
    for (let i = 0; i < 2; i++) await reply(ana, roomId, root.id, `late ${i}`);

    const page = await ben.client.messages.history.query({ roomId });
    expect(page.items.map((m) => m.body)).toEqual(['in the room', 'thread root']);
    // Paging after a position skips them too.
    const newer = await ben.client.messages.history.query({ roomId, after: root.position });
    expect(newer.items.map((m) => m.id)).toEqual([after.id]);

    const [summary] = (await ben.client.rooms.list.query()).filter((r) => r.id === roomId);
    expect(summary?.unread).toBe(2);
    expect(summary?.lastMessage?.body).toBe('in the room');
    // The log still has every reply at its position.
    expect(summary?.lastPosition).toBe(after.position + 2);
  });

  it('messages.thread: the root and its replies, oldest first, paged by cursor', async () => {
    const { roomId, root } = await roomWithRoot('thread paging');
    const bodies = Array.from({ length: 7 }, (_, i) => `reply ${i}`);
    for (const body of bodies) await reply(ben, roomId, root.id, body);
    // Something else in the room between them changes nothing.
    await ana.client.messages.send.mutate({ roomId, body: 'aside', clientId: clientId() });

    const seen: string[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof ana.client.messages.thread.query>> =
        await ana.client.messages.thread.query({ messageId: root.id, limit: 3, cursor });
      expect(page.root.id).toBe(root.id);
      expect(page.root.thread?.replyCount).toBe(7);
      seen.push(...page.items.map((m) => m.body));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(bodies);
    expect(pages).toBe(3);

    // A reply's id opens its root's thread.
    const { items } = await ana.client.messages.thread.query({ messageId: root.id, limit: 1 });
    const fromReply = await ana.client.messages.thread.query({ messageId: items[0]?.id ?? '' });
    expect(fromReply.root.id).toBe(root.id);
    expect(fromReply.items).toHaveLength(7);
  });

  it('are live: the reply carries threadId and its root’s new summary', async () => {
    const { roomId, root } = await roomWithRoot('thread live');
    const watcher = collect(ana, roomId, String(root.position));
    await waitFor(watcher.started, 'subscription');
    await reply(ben, roomId, root.id, 'live one');
    const second = await reply(ben, roomId, root.id, 'live two');
    await waitFor(() => watcher.events.length >= 2, 'live replies');
    const [a, b] = watcher.events;
    expect(a?.type === 'message.created' && a.message.threadId).toBe(root.id);
    expect(a?.type === 'message.created' && a.rootThread?.replyCount).toBe(1);
    expect(b?.type === 'message.created' && b.rootThread).toEqual({
      replyCount: 2,
      lastReplyAt: second.createdAt,
      participants: [ben.user.id],
    });
    watcher.stop();
  });

  it('are replayed on resume after a drop, in position order, with the root’s summary', async () => {
    const { roomId, root } = await roomWithRoot('thread resume');
    const seen = root.position;
    // Dropped: a reply, a room message, another reply, an edit of the first reply.
    const r1 = await reply(ben, roomId, root.id, 'missed one');
    await ana.client.messages.send.mutate({ roomId, body: 'room message', clientId: clientId() });
    const r2 = await reply(ana, roomId, root.id, 'missed two');
    await ben.client.messages.edit.mutate({ messageId: r1.id, body: 'missed one (edited)' });

    const resumed = collect(ben, roomId, String(seen));
    await waitFor(() => resumed.events.length >= 4, 'replayed events');
    expect(resumed.events.map((e) => [e.type, e.position, e.message.threadId])).toEqual([
      ['message.created', seen + 1, root.id],
      ['message.created', seen + 2, null],
      ['message.created', seen + 3, root.id],
      ['message.edited', seen + 4, root.id],
    ]);
    const created = resumed.events[2];
    expect(created?.type === 'message.created' && created.rootThread).toEqual({
      replyCount: 2,
      lastReplyAt: r2.createdAt,
      participants: [ana.user.id, ben.user.id],
    });
    resumed.stop();
  });

  it('a deleted reply still counts, and shows as deleted in its thread', async () => {
    const { roomId, root } = await roomWithRoot('thread delete');
    const r = await reply(ben, roomId, root.id, 'oops');
    await ben.client.messages.delete.mutate({ messageId: r.id });
    const page = await ana.client.messages.thread.query({ messageId: root.id });
    expect(page.root.thread?.replyCount).toBe(1);
    expect(page.items.map((m) => [m.id, m.body, m.deletedAt !== null])).toEqual([[r.id, '', true]]);
  });
});

describe('thread input and access', () => {
  it('refuses a reply to a reply (threads do not nest) and to a deleted root', async () => {
    const { roomId, root } = await roomWithRoot('thread nesting');
    const r = await reply(ben, roomId, root.id, 'level one');
    const nested = await refusal(reply(ana, roomId, r.id, 'level two'));
    expect(nested.code).toBe('BAD_REQUEST');
    expect(nested.message).toMatch(/do not nest/);

    const gone = await ana.client.messages.send.mutate({
      roomId,
      body: 'soon deleted',
      clientId: clientId(),
    });
    await ana.client.messages.delete.mutate({ messageId: gone.id });
    const deleted = await refusal(reply(ben, roomId, gone.id, 'too late'));
    expect(deleted.code).toBe('BAD_REQUEST');
    expect(deleted.message).toMatch(/deleted/);
  });

  it('refuses a threadId of another room, or of no message, as NOT_FOUND', async () => {
    const { roomId } = await roomWithRoot('thread here');
    const other = await roomWithRoot('thread elsewhere');
    const elsewhere = await refusal(reply(ana, roomId, other.root.id, 'wrong room'));
    expect(elsewhere.code).toBe('NOT_FOUND');
    expect(elsewhere.message).toMatch(/Thread not found/);
    const none = await refusal(reply(ana, roomId, clientId(), 'no such root'));
    expect(none.code).toBe('NOT_FOUND');
    const malformed = await refusal(reply(ana, roomId, 'not-an-id', 'bad id'));
    expect(malformed.code).toBe('BAD_REQUEST');
    // Nothing was written by any of them.
    const { items } = await ana.client.messages.history.query({ roomId });
    expect(items.map((m) => m.body)).toEqual(['thread root']);
  });

  it('a retry with the same clientId is the same reply, counted once', async () => {
    const { roomId, root } = await roomWithRoot('thread retry');
    const input = { roomId, threadId: root.id, body: 'once', clientId: clientId() };
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => ben.client.messages.send.mutate(input)),
    );
    expect(new Set(replies.map((m) => m.id)).size).toBe(1);
    const page = await ben.client.messages.thread.query({ messageId: root.id });
    expect(page.items).toHaveLength(1);
    expect(page.root.thread?.replyCount).toBe(1);
  });

  it('a non-member can neither read a thread nor reply in it', async () => {
    const { roomId, root } = await roomWithRoot('thread private');
    await reply(ben, roomId, root.id, 'members only');
    const read = await refusal(eve.client.messages.thread.query({ messageId: root.id }));
    expect(read.code).toBe('NOT_FOUND');
    const write = await refusal(reply(eve, roomId, root.id, 'let me in'));
    expect(write.code).toBe('NOT_FOUND');
    const unknown = await refusal(ana.client.messages.thread.query({ messageId: clientId() }));
    expect(unknown.code).toBe('NOT_FOUND');
  });
});
