import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientId,
  collect,
  type Person,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
  waitFor,
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

describe('membership changes', () => {
  it('a kicked member is told, and their subscription to the room ends', async () => {
    const room = await sharedRoom('kick');
    const userEvents: string[] = [];
    const userSub = ben.client.live.userEvents.subscribe(undefined, {
      onData: (e) => userEvents.push(e.type === 'room.removed' ? `removed ${e.roomId}` : e.type),
    });
    const forBen = collect(ben, room.id);
    const baseline = server.app.deps.bus.listenerCount();
    await waitFor(forBen.started, 'subscription');
    await waitFor(() => server.app.deps.bus.listenerCount() >= baseline, 'listening');
    await ana.client.rooms.kick.mutate({ roomId: room.id, username: ben.user.username });
    await waitFor(() => userEvents.includes(`removed ${room.id}`), 'room.removed event');
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'after', clientId: clientId() });
    await new Promise((r) => setTimeout(r, 200));
    expect(forBen.events).toEqual([]);
    const history = await ben.client.messages.history.query({ roomId: room.id }).catch((e) => e);
    expect(history).toBeInstanceOf(Error);
    userSub.unsubscribe();
    forBen.stop();
  });
});
