import { describe, expect, it } from 'vitest';
import { clientId, collect, shareRoom, signUp, waitFor, withPeople } from '../support/harness.js';

const { server, ana, ben } = withPeople(['ana', 'ben']);

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('live room events', () => {
  it('are live once started: a message sent the moment the subscription starts arrives', async () => {
    // tRPC reports `started` when the resolver returns; the subscription must already be on
    // the bus and its starting position read by then, or a send that follows at once commits
    // before that read and its event is skipped as already seen.
    const room = await sharedRoom('live once started');
    for (let i = 0; i < 30; i++) {
      const received: string[] = [];
      const sub = ben.client.live.roomEvents.subscribe(
        { roomId: room.id },
        {
          onStarted: () => {
            void ben.client.messages.send.mutate({
              roomId: room.id,
              body: `right away ${i}`,
              clientId: clientId(),
            });
          },
          onData: ({ data }) => received.push(data.message.body),
        },
      );
      try {
        await waitFor(() => received.length > 0, `message ${i}`, 5_000);
        expect(received).toEqual([`right away ${i}`]);
      } finally {
        sub.unsubscribe();
      }
    }
  });

  it('deliver a message to the other member and to the sender exactly once, and history has it', async () => {
    const room = await sharedRoom('two clients');
    const forBen = collect(ben, room.id);
    const forAna = collect(ana, room.id);
    await waitFor(() => forBen.started() && forAna.started(), 'subscriptions to start');

    const sent = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'hello Ben',
      clientId: clientId(),
    });

    await waitFor(() => forBen.events.length === 1 && forAna.events.length === 1, 'delivery');
    // Let any duplicate arrive before asserting there is none.
    await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'marker',
      clientId: clientId(),
    });
    await waitFor(() => forAna.events.length >= 2 && forBen.events.length >= 2, 'marker');
    expect(forBen.created()).toEqual(['hello Ben', 'marker']);
    expect(forAna.created()).toEqual(['hello Ben', 'marker']);
    expect(forBen.events[0]).toMatchObject({
      type: 'message.created',
      position: sent.position,
      message: { id: sent.id, author: { username: 'ana' } },
    });

    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items.map((m) => m.body)).toEqual(['marker', 'hello Ben']);
    forBen.stop();
    forAna.stop();
  });

  it('carry edits and deletes (tombstones) with their own positions', async () => {
    const room = await sharedRoom('edits');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    const m = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'typo',
      clientId: clientId(),
    });
    await ana.client.messages.edit.mutate({ messageId: m.id, body: 'fixed' });
    await ana.client.messages.delete.mutate({ messageId: m.id });
    await waitFor(() => forBen.events.length === 3, 'three events');
    expect(forBen.events.map((e) => e.type)).toEqual([
      'message.created',
      'message.edited',
      'message.deleted',
    ]);
    expect(forBen.positions()).toEqual([1, 2, 3]);
    expect(forBen.events[2]?.message).toMatchObject({ body: '', deletedAt: expect.any(String) });
    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ body: '', editedAt: expect.any(String) });
    forBen.stop();
  });
});

describe('resume', () => {
  it('after the server drops the socket while 100 messages are sent: all 100, in order, none twice', async () => {
    const room = await sharedRoom('resume');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    const sending = (async () => {
      for (let i = 1; i <= 100; i++) {
        await ana.client.messages.send.mutate({
          roomId: room.id,
          body: `m${i}`,
          clientId: clientId(),
        });
        if (i === 10 || i === 55) {
          // The server kills every socket it holds (Ben's is the only one), mid-stream.
          for (const socket of server.app.wss.clients) socket.terminate();
        }
      }
    })();
    await sending;
    await waitFor(() => forBen.events.length >= 100, '100 events', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(forBen.created()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i + 1}`));
    expect(forBen.positions()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    forBen.stop();
  });

  it('from 10 concurrent senders, across a dropped socket', async () => {
    const senders = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signUp(server.app.url, `sender${i}`)),
    );
    const room = await ana.client.rooms.create.mutate({ name: 'busy', visibility: 'public' });
    await Promise.all(senders.map((s) => s.client.rooms.join.mutate({ roomId: room.id })));
    await ben.client.rooms.join.mutate({ roomId: room.id });
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    let sentCount = 0;
    await Promise.all(
      senders.map(async (s, i) => {
        for (let j = 0; j < 10; j++) {
          await s.client.messages.send.mutate({
            roomId: room.id,
            body: `s${i}-${j}`,
            clientId: clientId(),
          });
          if (++sentCount === 40) for (const socket of server.app.wss.clients) socket.terminate();
        }
      }),
    );
    await waitFor(() => forBen.events.length >= 100, '100 events', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(forBen.positions()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(forBen.created()).size).toBe(100);
    for (const s of senders) s.close();
    forBen.stop();
  });

  it('across a full API restart on the same database', async () => {
    const room = await sharedRoom('restart');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    for (let i = 1; i <= 50; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `r${i}`,
        clientId: clientId(),
      });
    }
    await waitFor(() => forBen.events.length === 50, 'first 50');
    await server.app.close();
    await server.restart();
    // Ana's HTTP client reaches the new server on the same port; Ben's socket reconnects.
    for (let i = 51; i <= 100; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `r${i}`,
        clientId: clientId(),
      });
    }
    await waitFor(() => forBen.events.length >= 100, 'all 100 after restart', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(forBen.created()).toEqual(Array.from({ length: 100 }, (_, i) => `r${i + 1}`));
    expect(forBen.errors).toEqual([]);
    forBen.stop();
  });

  it('replays from an explicit lastEventId, then continues live', async () => {
    const room = await sharedRoom('explicit resume');
    for (let i = 1; i <= 5; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `e${i}`,
        clientId: clientId(),
      });
    }
    const forBen = collect(ben, room.id, '2');
    await waitFor(() => forBen.events.length === 3, 'replay');
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'e6', clientId: clientId() });
    await waitFor(() => forBen.events.length === 4, 'live after replay');
    expect(forBen.created()).toEqual(['e3', 'e4', 'e5', 'e6']);
    forBen.stop();
  });
});
