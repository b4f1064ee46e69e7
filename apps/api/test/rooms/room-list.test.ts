import { describe, expect, it } from 'vitest';
import {
  clientId,
  type Person,
  shareRoom,
  signUp,
  waitFor,
  withPeople,
} from '../support/harness.js';

const { server, ana, ben } = withPeople(['ana', 'ben']);

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

  it('an empty DM shows only to whoever opened it, until its first message reveals it', async () => {
    const cleo = await signUp(server.app.url, 'cleo_dm');
    const toCleo: string[] = [];
    let listening = false;
    const sub = cleo.client.live.userEvents.subscribe(undefined, {
      onStarted: () => {
        listening = true;
      },
      onData: (e) => {
        if (e.type === 'room.added') {
          toCleo.push(`added ${e.room.name} ${e.room.unread} ${e.room.lastMessage?.body ?? '-'}`);
        }
      },
    });
    await waitFor(() => listening, 'cleo listening');
    const dm = await ana.client.rooms.openDirect.mutate({ username: cleo.user.username });
    const ids = async (person: Person) => (await person.client.rooms.list.query()).map((r) => r.id);
    expect(await ids(ana)).toContain(dm.id);
    expect(await ids(cleo)).not.toContain(dm.id);
    // Opening it again is still Ana's business only.
    await ana.client.rooms.openDirect.mutate({ username: cleo.user.username });

    const first = { roomId: dm.id, body: 'Hi Cleo', clientId: clientId() };
    await ana.client.messages.send.mutate(first);
    await waitFor(() => toCleo.length === 1, 'room.added for cleo');
    // A retry of that first send (its reply was lost, say) announces nothing again.
    expect((await ana.client.messages.send.mutate(first)).position).toBe(1);
    expect(toCleo).toEqual(['added ana 1 Hi Cleo']);
    expect(await ids(cleo)).toContain(dm.id);
    // Nor do later messages.
    await ana.client.messages.send.mutate({
      roomId: dm.id,
      body: 'Still there?',
      clientId: clientId(),
    });
    await cleo.client.messages.send.mutate({ roomId: dm.id, body: 'Yes', clientId: clientId() });
    await new Promise((r) => setTimeout(r, 200));
    expect(toCleo).toHaveLength(1);
    sub.unsubscribe();
    cleo.close();
  });

  it('an empty DM the other person opens too is theirs as well, and is announced once', async () => {
    const dana = await signUp(server.app.url, 'dana_dm');
    const toDana: string[] = [];
    let listening = false;
    const sub = dana.client.live.userEvents.subscribe(undefined, {
      onStarted: () => {
        listening = true;
      },
      onData: (e) => {
        if (e.type === 'room.added') toDana.push(e.room.id);
      },
    });
    await waitFor(() => listening, 'dana listening');
    const dm = await ben.client.rooms.openDirect.mutate({ username: dana.user.username });
    expect((await dana.client.rooms.list.query()).map((r) => r.id)).not.toContain(dm.id);
    const hers = await dana.client.rooms.openDirect.mutate({ username: ben.user.username });
    expect(hers.id).toBe(dm.id);
    expect((await dana.client.rooms.list.query()).map((r) => r.id)).toContain(dm.id);
    expect((await ben.client.rooms.list.query()).map((r) => r.id)).toContain(dm.id);
    await waitFor(() => toDana.length === 1, 'room.added for dana');
    await ben.client.messages.send.mutate({ roomId: dm.id, body: 'Hello', clientId: clientId() });
    await dana.client.rooms.openDirect.mutate({ username: ben.user.username });
    await new Promise((r) => setTimeout(r, 200));
    expect(toDana).toEqual([dm.id]);
    sub.unsubscribe();
    dana.close();
  });
});
