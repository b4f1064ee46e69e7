import { describe, expect, it } from 'vitest';
import { shareRoom, signUp, waitFor, withPeople } from '../support/harness.js';

const { server, ana, ben } = withPeople(['ana', 'ben']);

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('typing and presence', () => {
  it('shows typing, then not typing after the expiry', async () => {
    const room = await sharedRoom('typing');
    const seen: string[] = [];
    let subscribed = false;
    const sub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          // The snapshot comes once the subscription is live: typing before it would be missed.
          if (e.type === 'presence.snapshot') subscribed = true;
          if (e.type === 'typing' && e.user.id === ana.user.id) seen.push(e.typing ? 'on' : 'off');
        },
      },
    );
    await waitFor(() => subscribed, 'presence snapshot');
    await ana.client.live.typing.mutate({ roomId: room.id });
    await waitFor(() => seen.includes('on'), 'typing on');
    await waitFor(() => seen.includes('off'), 'typing off after expiry');
    expect(seen).toEqual(['on', 'off']);
    sub.unsubscribe();
  });

  it('tells someone who opens the room who is already typing', async () => {
    const room = await sharedRoom('late typing');
    await ana.client.live.typing.mutate({ roomId: room.id });
    let typing: string[] | null = null;
    const sub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') typing = e.typing.map((u) => u.username);
        },
      },
    );
    await waitFor(() => typing !== null, 'snapshot');
    expect(typing).toEqual(['ana']);
    sub.unsubscribe();
  });

  it('sees a member go offline when their socket dies without a close frame', async () => {
    const room = await sharedRoom('presence');
    const cleo = await signUp(server.app.url, 'cleo');
    await ana.client.rooms.invite.mutate({ roomId: room.id, username: cleo.user.username });
    const events: Array<{ userId: string; online: boolean }> = [];
    let snapshot: string[] | null = null;
    const sub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') snapshot = e.online;
          if (e.type === 'presence' && e.userId === cleo.user.id) events.push(e);
        },
      },
    );
    await waitFor(() => snapshot !== null, 'snapshot');
    // Cleo comes online with a raw socket that will never answer the server's pings: to the
    // server, a peer that vanished without a close frame.
    const { default: WebSocket } = await import('ws');
    const raw = new WebSocket(`${server.app.url.replace('http', 'ws')}/trpc?connectionParams=1`);
    raw.on('open', () =>
      raw.send(JSON.stringify({ method: 'connectionParams', data: { token: cleo.token } })),
    );
    await waitFor(() => events.some((e) => e.online), 'cleo online');
    await waitFor(() => events.some((e) => !e.online), 'cleo offline via keep-alive');
    expect(events).toEqual([
      { type: 'presence', userId: cleo.user.id, online: true },
      { type: 'presence', userId: cleo.user.id, online: false },
    ]);
    const members = await ben.client.rooms.members.query({ roomId: room.id });
    expect(members.find((m) => m.id === cleo.user.id)?.online).toBe(false);
    raw.terminate();
    cleo.close();
    sub.unsubscribe();
  });
});
