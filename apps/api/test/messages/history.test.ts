import { describe, expect, it } from 'vitest';
import { clientId, shareRoom, withPeople } from '../support/harness.js';

const { ana, ben } = withPeople(['ana', 'ben']);

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('history', () => {
  it('pages newest-first by keyset, with `before` or its alias `cursor`', async () => {
    const room = await sharedRoom('paging');
    for (let i = 1; i <= 7; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `p${i}`,
        clientId: clientId(),
      });
    }
    const first = await ben.client.messages.history.query({ roomId: room.id, limit: 3 });
    expect(first.items.map((m) => m.body)).toEqual(['p7', 'p6', 'p5']);
    expect(first.nextCursor).toBe(5);
    const second = await ben.client.messages.history.query({
      roomId: room.id,
      limit: 3,
      before: first.nextCursor ?? undefined,
    });
    expect(second.items.map((m) => m.body)).toEqual(['p4', 'p3', 'p2']);
    const third = await ben.client.messages.history.query({
      roomId: room.id,
      limit: 3,
      cursor: second.nextCursor,
    });
    expect(third.items.map((m) => m.body)).toEqual(['p1']);
    expect(third.nextCursor).toBeNull();
  });
});
