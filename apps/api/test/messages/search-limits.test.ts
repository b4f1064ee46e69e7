/** messages.search and messages.react/unreact each have their rate limit (README Limits). */
import { describe, expect, it } from 'vitest';
import { clientId, shareRoom, withPeople } from '../support/harness.js';

const { ana, ben } = withPeople(['ana', 'ben'], {
  limits: {
    rates: { search: { points: 3, seconds: 60 }, reactions: { points: 4, seconds: 60 } },
  },
});

describe('rate limits', () => {
  it('refuses a search over the limit with TOO_MANY_REQUESTS and a sentence; others go on', async () => {
    for (let i = 0; i < 3; i++) await ana.client.messages.search.query({ query: 'x' });
    await expect(ana.client.messages.search.query({ query: 'x' })).rejects.toThrow(
      /You are searching faster than Parley allows\. Try again in \d+ seconds?\./,
    );
    await expect(ben.client.messages.search.query({ query: 'x' })).resolves.toBeTruthy();
  });

  it('counts react and unreact together', async () => {
    const room = await shareRoom(ana, ben, 'limits');
    const { id: messageId } = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'hi',
      clientId: clientId(),
    });
    for (let i = 0; i < 2; i++) {
      await ben.client.messages.react.mutate({ messageId, emoji: '👍' });
      await ben.client.messages.unreact.mutate({ messageId, emoji: '👍' });
    }
    await expect(ben.client.messages.react.mutate({ messageId, emoji: '👍' })).rejects.toThrow(
      'You are reacting faster than Parley allows.',
    );
  });
});
