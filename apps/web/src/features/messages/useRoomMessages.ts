import type { MessageView, RoomEvent, UserRef } from '@parley/api-contract';
import { skipToken, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorCode } from '../../lib/errors';
import { openRoom } from '../../lib/route';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import {
  type HistoryPage,
  type MessagePages,
  messagesOf,
  newestPositionOf,
  type PageParam,
  type ReactionChange,
  renameUser,
  setThreadSummary,
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

/** Hears every event of the room's one live subscription (threads keep their own cache). */
export type RoomEventListener = (event: RoomEvent) => void;

/**
 * A room's messages: the newest page first, older pages on demand, live events applied to the
 * same cache, and my unconfirmed sends alongside (reconciled by clientId). This hook is the only
 * writer of the room's message pages; mutations hand their replies to `apply`.
 *
 * With a `target` message the pages are a window around it instead (`messages.around`), paged
 * older with history's `before` and newer with its `after`; once a newer page reaches the
 * room's latest message (`atTail`) it goes live like the newest page does.
 */
export function useRoomMessages(roomId: string, meId: string, target: string | null = null) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const key = useMemo(
    () => [...trpc.messages.history.pathKey(), { roomId, target }] as const,
    [trpc, roomId, target],
  );
  const history = useInfiniteQuery<HistoryPage, Error, MessagePages, typeof key, PageParam>({
    queryKey: key,
    queryFn: async ({ pageParam, signal }): Promise<HistoryPage> => {
      if (typeof pageParam === 'object' && pageParam !== null) {
        if ('around' in pageParam) {
          const page = await client.messages.around.query(
            { messageId: pageParam.around, limit: PAGE_SIZE },
            { signal },
          );
          return { items: page.items, nextCursor: page.olderCursor, newerCursor: page.newerCursor };
        }
        const page = await client.messages.history.query(
          { roomId, after: pageParam.after, limit: PAGE_SIZE },
          { signal },
        );
        // Only the oldest page's nextCursor is read for older pages; this one extends the newer side.
        return { items: page.items, nextCursor: null, newerCursor: page.nextCursor };
      }
      return client.messages.history.query(
        { roomId, limit: PAGE_SIZE, cursor: pageParam ?? null },
        { signal },
      );
    },
    initialPageParam: target ? { around: target } : null,
    getNextPageParam: (last) => last.nextCursor,
    getPreviousPageParam: (first) =>
      first.newerCursor == null ? undefined : { after: first.newerCursor },
    staleTime: Number.POSITIVE_INFINITY,
    // Each visit starts from a fresh page and subscribes from there.
    gcTime: 0,
  });
  // The newest loaded page is the room's latest (always, unless this is a window that has not
  // been paged up to the present yet). Nothing loaded is at no tail.
  const atTail = history.data !== undefined && !history.hasPreviousPage;
  // My unsent messages belong after the room's latest, not after a window in its past. Before
  // the room's own list has its first page (or while that fails) they show too, waiting, so
  // what I write meanwhile is there.
  const showPending = history.data === undefined ? target === null : atTail;
  const atTailRef = useRef(atTail);
  atTailRef.current = atTail;

  // The target is not there (deleted, or not in a room of mine): open the room at its latest.
  const missing = target !== null && errorCode(history.error) === 'NOT_FOUND';
  useEffect(() => {
    if (missing) openRoom(roomId);
  }, [missing, roomId]);

  // Subscribe from the newest position the first page knows; events after it are replayed.
  const [since, setSince] = useState<string | null>(null);
  const firstPage = history.data?.pages[0];
  useEffect(() => {
    if (firstPage && atTail && since === null) setSince(String(newestPositionOf(firstPage)));
  }, [firstPage, atTail, since]);

  // Edits and deletes take positions of their own: the room's newest event can be past its
  // newest message.
  const [lastEvent, setLastEvent] = useState(0);
  const apply: ApplyMessage = useCallback(
    (message, position, change) => {
      queryClient.setQueryData<MessagePages>(key, (data) =>
        upsertMessage(data, message, { meId, change }, atTailRef.current),
      );
      if (message.author.id === meId) outbox.confirm(roomId, [message.clientId]);
      setLastEvent((p) => Math.max(p, position));
    },
    [queryClient, key, roomId, meId],
  );

  /** Someone changed display name (a live activity event): their messages show the new one. */
  const renamed = useCallback(
    (user: UserRef) =>
      queryClient.setQueryData<MessagePages>(key, (data) => renameUser(data, user)),
    [queryClient, key],
  );

  // Others who need the room's events (an open thread) hear them from this one subscription,
  // so they are resumed with it after a drop.
  const listeners = useRef(new Set<RoomEventListener>());
  const onEvent = useCallback((listener: RoomEventListener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  useSubscription(
    trpc.live.roomEvents.subscriptionOptions(
      since === null ? skipToken : { roomId, lastEventId: since },
      {
        onData: ({ data: event }) => {
          const root = event.message.threadId;
          if (event.type === 'message.created' && root !== null && event.rootThread) {
            const thread = event.rootThread;
            queryClient.setQueryData<MessagePages>(key, (data) =>
              setThreadSummary(data, root, thread),
            );
          }
          apply(
            event.message,
            event.position,
            event.type === 'reaction.added' || event.type === 'reaction.removed'
              ? { ...event.reaction, added: event.type === 'reaction.added' }
              : undefined,
          );
          for (const listener of listeners.current) listener(event);
        },
      },
    ),
  );

  // The server's reply to a send from the outbox.
  useEffect(
    () => outbox.onSent(roomId, (message) => apply(message, message.position)),
    [roomId, apply],
  );

  const allPending = usePending(roomId);
  const pending = useMemo(() => (showPending ? allPending : []), [showPending, allPending]);
  const messages = useMemo(() => messagesOf(history.data), [history.data]);

  // Confirmed messages whose pending copy is still around (confirmation raced the send reply).
  useEffect(() => {
    if (pending.length === 0) return;
    const confirmed = messages.filter((m) => m.author.id === meId).map((m) => m.clientId);
    outbox.confirm(roomId, confirmed);
  }, [messages, pending, meId, roomId]);

  const newestPosition = Math.max(lastEvent, messages.at(-1)?.position ?? 0);

  // Whether the room's subscription runs (a window in the past has none until it reaches the
  // latest message).
  const live = since !== null;

  return {
    history,
    messages,
    pending,
    newestPosition,
    apply,
    renamed,
    target,
    atTail,
    onEvent,
    live,
  };
}
