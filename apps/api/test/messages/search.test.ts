/**
 * messages.search (full-text, only the caller's rooms, newest first, snippets as text plus
 * highlight ranges, paged) and messages.around (a page centred on one message). Runs on PGlite
 * by default and on PostgreSQL with TEST_DATABASE_URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHeadline } from '../../src/messages/search.js';
import { clientId, codeOf, type Person, shareRoom, withPeople } from '../support/harness.js';

const { ana, ben, eve } = withPeople(['ana', 'ben', 'eve']);

const send = (who: Person, roomId: string, body: string) =>
  who.client.messages.send.mutate({ roomId, body, clientId: clientId() });

/** The text a snippet highlights. */
const highlighted = (snippet: { text: string; highlights: Array<[number, number]> }) =>
  snippet.highlights.map(([a, b]) => snippet.text.slice(a, b));

describe('messages.search', () => {
  let shared: string;
  let secret: string;
  let publicRoom: string;

  beforeAll(async () => {
    shared = (await shareRoom(ana, ben, 'search shared')).id;
    // Eve's private room: ana is not in it.
    secret = (await eve.client.rooms.create.mutate({ name: 'eve secret', visibility: 'private' }))
      .id;
    publicRoom = (await eve.client.rooms.create.mutate({ name: 'eve town', visibility: 'public' }))
      .id;
    await send(ana, shared, 'I like to run in the morning');
    await send(ben, shared, 'The zebra crossing is closed today');
    await send(ben, shared, 'Nothing to see here');
    await send(eve, secret, 'The zebra password is hunter2, we run at dawn');
    await send(eve, publicRoom, 'Public zebra, but ana never joined');
  });

  it('finds matches in my rooms only, never a private room I am not in, nor its snippets', async () => {
    const page = await ana.client.messages.search.query({ query: 'zebra' });
    expect(page.items.map((h) => h.message.body)).toEqual(['The zebra crossing is closed today']);
    expect(page.items[0]?.room).toEqual({ id: shared, name: 'search shared', kind: 'private' });
    const everything = JSON.stringify(page);
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('password');
    expect(everything).not.toContain('Public zebra');
    // Eve, who is in all three, sees her own two and not ana's room.
    const eves = await eve.client.messages.search.query({ query: 'zebra' });
    expect(eves.items.map((h) => h.room.id).sort()).toEqual([publicRoom, secret].sort());
  });

  it('refuses a room filter for a room I am not in, as the room itself would', async () => {
    expect(await codeOf(ana.client.messages.search.query({ query: 'zebra', roomId: secret }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf(ana.client.messages.search.query({ query: 'zebra', roomId: publicRoom })),
    ).toBe('FORBIDDEN');
    const inShared = await ana.client.messages.search.query({ query: 'zebra', roomId: shared });
    expect(inShared.items).toHaveLength(1);
  });

  it('stems: "running" finds "run", and the snippet highlights the match', async () => {
    const page = await ben.client.messages.search.query({ query: 'running' });
    expect(page.items.map((h) => h.message.body)).toEqual(['I like to run in the morning']);
    const hit = page.items[0];
    expect(hit?.snippet.text).toBe('I like to run in the morning');
    expect(hit && highlighted(hit.snippet)).toEqual(['run']);
  });

  it('takes web-search syntax: quoted phrases, OR and -excluded words, without syntax errors', async () => {
    const phrase = await ben.client.messages.search.query({ query: '"zebra crossing"' });
    expect(phrase.items).toHaveLength(1);
    const either = await ben.client.messages.search.query({ query: 'zebra or morning' });
    expect(either.items).toHaveLength(2);
    const without = await ben.client.messages.search.query({ query: 'zebra -closed' });
    expect(without.items).toHaveLength(0);
    const junk = await ben.client.messages.search.query({ query: '&|!(:*' });
    expect(junk.items).toEqual([]);
  });

  it('pages newest first by cursor, and leaves deleted messages out', async () => {
    const room = (await shareRoom(ana, ben, 'search paging')).id;
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await send(ana, room, `walrus number ${i}`)).id);
    const first = await ben.client.messages.search.query({ query: 'walrus', limit: 2 });
    expect(first.items.map((h) => h.message.body)).toEqual(['walrus number 5', 'walrus number 4']);
    expect(first.nextCursor).toBe(ids[3]);
    const second = await ben.client.messages.search.query({
      query: 'walrus',
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((h) => h.message.body)).toEqual(['walrus number 3', 'walrus number 2']);
    await ana.client.messages.delete.mutate({ messageId: ids[0] ?? '' });
    const third = await ben.client.messages.search.query({
      query: 'walrus',
      limit: 2,
      cursor: second.nextCursor,
    });
    expect(third.items).toEqual([]);
    expect(third.nextCursor).toBeNull();
  });

  it('refuses an empty or overlong query and a limit out of bounds, with a sentence', async () => {
    await expect(ana.client.messages.search.query({ query: '   ' })).rejects.toThrow(
      'A search cannot be empty.',
    );
    await expect(ana.client.messages.search.query({ query: 'x'.repeat(201) })).rejects.toThrow(
      'at most 200',
    );
    expect(await codeOf(ana.client.messages.search.query({ query: 'zebra', limit: 51 }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('keeps a body’s own marker characters out of the highlights', async () => {
    const room = (await shareRoom(ana, ben, 'search markers')).id;
    await send(ana, room, 'odd \uE000narwhal\uE001 markers');
    const page = await ana.client.messages.search.query({ query: 'narwhal', roomId: room });
    const hit = page.items[0];
    expect(hit?.snippet.text).toBe('odd narwhal markers');
    expect(hit && highlighted(hit.snippet)).toEqual(['narwhal']);
  });

  it('shows a long body as fragments around the match, as plain text', async () => {
    const room = (await shareRoom(ana, ben, 'search long')).id;
    const filler = (word: string) => Array.from({ length: 60 }, () => word).join(' ');
    await send(ana, room, `${filler('alpha')} <b>okapi</b> sighting ${filler('omega')}`);
    const hit = (await ana.client.messages.search.query({ query: 'okapi', roomId: room })).items[0];
    expect(hit?.snippet.text.length).toBeLessThan(400);
    // PostgreSQL's parser reads `<b>` as a tag and leaves it out of the headline.
    expect(hit?.snippet.text).toContain('okapi  sighting omega');
    expect(hit?.snippet.text).not.toContain('<b>');
    expect(hit && highlighted(hit.snippet)).toEqual(['okapi']);
  });
});

describe('parseHeadline', () => {
  it('turns markers into ranges', () => {
    expect(parseHeadline('a \uE000bc\uE001 d \uE000e\uE001')).toEqual({
      text: 'a bc d e',
      highlights: [
        [2, 4],
        [7, 8],
      ],
    });
  });
});

describe('messages.around', () => {
  let room: string;
  const ids: string[] = [];

  beforeAll(async () => {
    room = (await shareRoom(ana, ben, 'around')).id;
    for (let i = 1; i <= 9; i++) ids.push((await send(ana, room, `m${i}`)).id);
  });

  it('gives the message with context on both sides, and cursors to page each way', async () => {
    const page = await ben.client.messages.around.query({ messageId: ids[4] ?? '', limit: 5 });
    expect(page.roomId).toBe(room);
    expect(page.messageId).toBe(ids[4]);
    expect(page.items.map((m) => m.body)).toEqual(['m7', 'm6', 'm5', 'm4', 'm3']);
    expect(page.olderCursor).not.toBeNull();
    expect(page.newerCursor).not.toBeNull();
    const older = await ben.client.messages.history.query({
      roomId: room,
      before: page.olderCursor ?? undefined,
      limit: 10,
    });
    expect(older.items.map((m) => m.body)).toEqual(['m2', 'm1']);
    const newer = await ben.client.messages.history.query({
      roomId: room,
      after: page.newerCursor ?? undefined,
      limit: 1,
    });
    expect(newer.items.map((m) => m.body)).toEqual(['m8']);
    const newest = await ben.client.messages.history.query({
      roomId: room,
      after: newer.nextCursor ?? undefined,
      limit: 10,
    });
    expect(newest.items.map((m) => m.body)).toEqual(['m9']);
    expect(newest.nextCursor).toBeNull();
  });

  it('at the edges the cursors say there is no more', async () => {
    const first = await ben.client.messages.around.query({ messageId: ids[0] ?? '', limit: 3 });
    expect(first.items.map((m) => m.body)).toEqual(['m2', 'm1']);
    expect(first.olderCursor).toBeNull();
    const last = await ben.client.messages.around.query({ messageId: ids[8] ?? '', limit: 3 });
    expect(last.items.map((m) => m.body)).toEqual(['m9', 'm8']);
    expect(last.newerCursor).toBeNull();
  });

  it('is NOT_FOUND for someone outside the room, as for no such message', async () => {
    expect(await codeOf(eve.client.messages.around.query({ messageId: ids[0] ?? '' }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf(
        eve.client.messages.around.query({ messageId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('refuses before and after together', async () => {
    expect(
      await codeOf(ben.client.messages.history.query({ roomId: room, before: 5, after: 2 })),
    ).toBe('BAD_REQUEST');
  });
});
