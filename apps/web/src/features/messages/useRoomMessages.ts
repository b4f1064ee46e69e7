import type { MessageView, UserRef } from '@parley/api-contract';
import { skipToken, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import {
  type MessagePages,
  messagesOf,
  newestPositionOf,
  type ReactionChange,
  renameUser,
  upsertMessage,
} from './messagePages';
import { outbox, usePending } from './outbox';

const PAGE_SIZE = 50;

/**
 * Puts a message the server returned (a live event, a send/edit/delete reply) into the cache;
 * `change` is a reaction event's (who added or removed which emoji).
 */
export type ApplyMessage = (
  message: MessageView,
  position: number,
  change?: ReactionChange,
) => void;

export type RoomMessages = ReturnType<typeof useRoomMessages>;

/**
 * A room's messages: the newest page first, older pages on demand, live events applied to the
 * same cache, and my unconfirmed sends alongside (reconciled by clientId). This hook is the only
 * writer of the room's `messages.history` pages; mutations hand their replies to `apply`.
 */
export function useRoomMessages(roomId: string, meId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const historyOptions = trpc.messages.history.infiniteQueryOptions(
    { roomId, limit: PAGE_SIZE },
    {
      initialCursor: null,
      getNextPageParam: (last) => last.nextCursor,
      staleTime: Number.POSITIVE_INFINITY,
      // Each visit starts from a fresh newest page and subscribes from there.
      gcTime: 0,
    },
  );
  const key = historyOptions.queryKey;
  const history = useInfiniteQuery(historyOptions);

  // Subscribe from the newest position the first page knows; events after it are replayed.
  const [since, setSince] = useState<string | null>(null);
  const firstPage = history.data?.pages[0];
  useEffect(() => {
    if (firstPage && since === null) setSince(String(newestPositionOf(firstPage)));
  }, [firstPage, since]);

  // Edits and deletes take positions of their own: the room's newest event can be past its
  // newest message.
  const [lastEvent, setLastEvent] = useState(0);
  const apply: ApplyMessage = useCallback(
    (message, position, change) => {
      queryClient.setQueryData<MessagePages>(key, (data) =>
        upsertMessage(data, message, { meId, change }),
      );
      if (message.author.id === meId) outbox.confirm(roomId, [message.clientId]);
      setLastEvent((p) => Math.max(p, position));
    },
    [queryClient, roomId, meId],
  );

  /** Someone changed display name (a live activity event): their messages show the new one. */
  const renamed = useCallback(
    (user: UserRef) =>
      queryClient.setQueryData<MessagePages>(key, (data) => renameUser(data, user)),
    [queryClient, key],
  );

  useSubscription(
    trpc.live.roomEvents.subscriptionOptions(
      since === null ? skipToken : { roomId, lastEventId: since },
      {
        onData: ({ data: event }) =>
          apply(
            event.message,
            event.position,
            event.type === 'reaction.added' || event.type === 'reaction.removed'
              ? { ...event.reaction, added: event.type === 'reaction.added' }
              : undefined,
          ),
      },
    ),
  );

  // The server's reply to a send from the outbox.
  useEffect(
    () => outbox.onSent(roomId, (message) => apply(message, message.position)),
    [roomId, apply],
  );

  const pending = usePending(roomId);
  const messages = useMemo(() => messagesOf(history.data), [history.data]);

  // Confirmed messages whose pending copy is still around (confirmation raced the send reply).
  useEffect(() => {
    if (pending.length === 0) return;
    const confirmed = messages.filter((m) => m.author.id === meId).map((m) => m.clientId);
    outbox.confirm(roomId, confirmed);
  }, [messages, pending, meId, roomId]);

  const newestPosition = Math.max(lastEvent, messages.at(-1)?.position ?? 0);

  return { history, messages, pending, newestPosition, apply, renamed };
}
