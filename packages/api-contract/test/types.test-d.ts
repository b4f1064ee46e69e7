/**
 * The contract at the type level: inputs are required where the server requires them, events
 * narrow by their `type`, and wrong input does not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createParleyClient,
  type MessageView,
  type RoomEvent,
  type RouterInputs,
  type RouterOutputs,
} from '../src/index.js';

const { api } = createParleyClient({ url: 'http://127.0.0.1:3000', token: 'pat_x' });
const roomId = '00000000-0000-4000-8000-000000000000';

describe('messages.send', () => {
  it('requires roomId, body and clientId', () => {
    expectTypeOf<RouterInputs['messages']['send']>().toEqualTypeOf<{
      roomId: string;
      body: string;
      clientId: string;
      replyToId?: string | undefined;
      threadId?: string | undefined;
    }>();
    expectTypeOf(api.messages.send.mutate)
      .parameter(0)
      .toExtend<{ roomId: string; body: string; clientId: string }>();

    // @ts-expect-error roomId is required
    void api.messages.send.mutate({ body: 'hi', clientId: 'c' });
    // @ts-expect-error body is required
    void api.messages.send.mutate({ roomId, clientId: 'c' });
    // @ts-expect-error clientId is required
    void api.messages.send.mutate({ roomId, body: 'hi' });
    void api.messages.send.mutate({ roomId, body: 'hi', clientId: 'c' });
  });

  it('returns the message as the room shows it', () => {
    expectTypeOf(api.messages.send.mutate).returns.resolves.toEqualTypeOf<MessageView>();
    expectTypeOf<RouterOutputs['messages']['send']['position']>().toBeNumber();
  });
});

describe('live.roomEvents', () => {
  it('yields tracked room events that narrow by type', () => {
    api.live.roomEvents.subscribe(
      { roomId, lastEventId: null },
      {
        onData(tracked) {
          expectTypeOf(tracked.id).toBeString();
          expectTypeOf(tracked.data).toEqualTypeOf<RoomEvent>();
          const event = tracked.data;
          if (event.type === 'message.created') {
            expectTypeOf(event).toEqualTypeOf<Extract<RoomEvent, { type: 'message.created' }>>();
            expectTypeOf(event.message.body).toBeString();
          } else if (event.type === 'reaction.added' || event.type === 'reaction.removed') {
            expectTypeOf(event.reaction.emoji).toBeString();
          } else {
            expectTypeOf(event.type).toEqualTypeOf<'message.edited' | 'message.deleted'>();
          }
          // @ts-expect-error there is no such event
          if (event.type === 'message.exploded') return;
        },
      },
    );
  });

  it('takes a room id and an optional resume point', () => {
    expectTypeOf<RouterInputs['live']['roomEvents']>().toEqualTypeOf<{
      roomId: string;
      lastEventId?: string | null | undefined;
    }>();
    // @ts-expect-error lastEventId is a string (a room position), not a number
    api.live.roomEvents.subscribe({ roomId, lastEventId: 3 }, {});
  });
});

describe('wrong input', () => {
  it('does not compile', () => {
    // @ts-expect-error a body is a string
    void api.messages.send.mutate({ roomId, body: 1, clientId: 'c' });
    // @ts-expect-error visibility is 'public' or 'private'
    void api.rooms.create.mutate({ name: 'x', visibility: 'secret' });
    // @ts-expect-error tokens.revoke takes a tokenId
    void api.tokens.revoke.mutate({ id: 'x' });
    // @ts-expect-error queries are called with .query, not .mutate
    void api.rooms.list.mutate();
    // @ts-expect-error there is no such procedure
    void api.rooms.delete.mutate({ roomId });
  });

  it('infers outputs', () => {
    expectTypeOf(api.auth.me.query).returns.resolves.toEqualTypeOf<{
      id: string;
      username: string;
      displayName: string;
      role: 'owner' | 'member';
    } | null>();
    expectTypeOf<RouterOutputs['tokens']['create']['secret']>().toBeString();
    expectTypeOf<RouterOutputs['tokens']['list'][number]>().not.toHaveProperty('secret');
  });
});
