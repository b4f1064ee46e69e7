import type { MessageView, UserRef } from '@parley/api-contract';

export const ana: UserRef = { id: 'u-ana', username: 'ana', displayName: 'Ana Souza' };
export const ben: UserRef = { id: 'u-ben', username: 'ben', displayName: 'Ben Okafor' };

/** A confirmed message; `at` is local time so day boundaries are the test machine's. */
export function message(
  position: number,
  author: UserRef,
  at: Date,
  extra: Partial<MessageView> = {},
): MessageView {
  return {
    id: `m${position}`,
    roomId: 'r1',
    position,
    clientId: `c${position}`,
    body: `message ${position}`,
    author,
    replyTo: null,
    createdAt: at.toISOString(),
    editedAt: null,
    deletedAt: null,
    threadId: null,
    thread: null,
    reactions: [],
    mentions: [],
    ...extra,
  };
}

export const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);
