import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientId,
  type Person,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
} from '../support/harness.js';

let server: TestServer;
let ana: Person;
let ben: Person;

beforeAll(async () => {
  server = await startServer();
  ana = await signUp(server.app.url, 'ana');
  ben = await signUp(server.app.url, 'ben');
});
afterAll(async () => {
  ana?.close();
  ben?.close();
  await server?.close();
});

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('room list', () => {
  it('puts the most recently active room first, with unread counts and the last message', async () => {
    const quiet = await sharedRoom('list quiet');
    const busy = await sharedRoom('list busy');
    await ana.client.messages.send.mutate({
      roomId: quiet.id,
      body: 'older',
      clientId: clientId(),
    });
    await ana.client.messages.send.mutate({ roomId: busy.id, body: 'newer', clientId: clientId() });
    await ana.client.messages.send.mutate({
      roomId: quiet.id,
      body: 'newest',
      clientId: clientId(),
    });
    const list = await ben.client.rooms.list.query();
    const mine = list.filter((r) => r.id === quiet.id || r.id === busy.id);
    expect(mine.map((r) => [r.name, r.unread, r.lastMessage?.body])).toEqual([
      ['list quiet', 2, 'newest'],
      ['list busy', 1, 'newer'],
    ]);
    // Rooms with messages come before rooms without.
    const firstEmpty = list.findIndex((r) => r.lastMessage === null);
    if (firstEmpty !== -1)
      expect(list.slice(firstEmpty).every((r) => r.lastMessage === null)).toBe(true);
  });
});
