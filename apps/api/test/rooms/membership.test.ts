import { describe, expect, it } from 'vitest';
import { clientId, collect, shareRoom, signUp, waitFor, withPeople } from '../support/harness.js';

const { server, ana, ben } = withPeople(['ana', 'ben']);

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

  it('people joining, invited, leaving and removed show live in the room, online or not', async () => {
    const room = await ana.client.rooms.create.mutate({ name: 'comings', visibility: 'public' });
    const seen: string[] = [];
    let snapshot = false;
    const sub = ana.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') snapshot = true;
          if (e.type === 'member.joined') {
            seen.push(`joined ${e.user.username} ${e.online ? 'online' : 'offline'}`);
          }
          if (e.type === 'member.left') seen.push(`left ${e.userId}`);
        },
      },
    );
    await waitFor(() => snapshot, 'snapshot');

    // Cleo is online (a live subscription of her own) when she joins.
    const cleo = await signUp(server.app.url, 'cleo_m');
    let cleoOnline = false;
    const cleoSub = cleo.client.live.userEvents.subscribe(undefined, {
      onStarted: () => {
        cleoOnline = true;
      },
    });
    await waitFor(
      () => cleoOnline && server.app.deps.presence.isOnlineHere(cleo.user.id),
      'cleo on',
    );
    await cleo.client.rooms.join.mutate({ roomId: room.id });
    await waitFor(() => seen.length === 1, 'cleo joined');
    // Joining again changes nothing and says nothing.
    await cleo.client.rooms.join.mutate({ roomId: room.id });
    // Ben, with no socket, is invited: he is in, offline.
    await ana.client.rooms.invite.mutate({ roomId: room.id, username: ben.user.username });
    await waitFor(() => seen.length === 2, 'ben invited');
    await cleo.client.rooms.leave.mutate({ roomId: room.id });
    await ana.client.rooms.kick.mutate({ roomId: room.id, username: ben.user.username });
    await waitFor(() => seen.length === 4, 'cleo left, ben removed');
    expect(seen).toEqual([
      `joined ${cleo.user.username} online`,
      `joined ${ben.user.username} offline`,
      `left ${cleo.user.id}`,
      `left ${ben.user.id}`,
    ]);
    const members = await ana.client.rooms.members.query({ roomId: room.id });
    expect(members.map((m) => m.username)).toEqual([ana.user.username]);
    sub.unsubscribe();
    cleoSub.unsubscribe();
    cleo.close();
  });
});
