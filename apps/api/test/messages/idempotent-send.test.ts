import { messages } from '@parley/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { clientId, shareRoom, withPeople } from '../support/harness.js';

const { server, ana, ben } = withPeople(['ana', 'ben']);

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('idempotent send', () => {
  it('one clientId sent 5 times concurrently stores one message and gives 5 identical replies', async () => {
    const room = await sharedRoom('idempotent');
    const id = clientId();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        ana.client.messages.send.mutate({ roomId: room.id, body: 'once', clientId: id }),
      ),
    );
    for (const reply of replies) expect(reply).toEqual(replies[0]);
    const stored = await server.db.db.select().from(messages).where(eq(messages.roomId, room.id));
    expect(stored).toHaveLength(1);
    // And the room's positions stayed gap-free: the next message is number 2.
    const next = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'two',
      clientId: clientId(),
    });
    expect(next.position).toBe(2);
  });
});
