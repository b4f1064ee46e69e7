import type { AppRouter } from '@parley/api-contract';
import type { TRPCClient } from '@trpc/client';
import { useEffect, useMemo } from 'react';
import { useReconnected } from '../../lib/connection';
import { errorCode, errorMessage, isTransient } from '../../lib/errors';
import { useTRPCClient } from '../../lib/trpc';
import { newClientId, type OutboxEntry, outbox, type SendOutcome } from './outbox';
import type { DisplayMessage } from './rows';

/** How often a held outbox tries again without news from the socket. */
const RETRY_EVERY_MS = 5_000;

/** Why a send failed, said so the person knows what to do. */
function sendFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'TOO_MANY_REQUESTS')
    return 'Whoa, that was quick! Give it a few seconds, then retry.';
  if (code === 'FORBIDDEN' || code === 'NOT_FOUND') return 'You can no longer post in this room.';
  return `Not sent: ${errorMessage(error)}`;
}

async function sendEntry(client: TRPCClient<AppRouter>, e: OutboxEntry): Promise<SendOutcome> {
  try {
    const message = await client.messages.send.mutate({
      roomId: e.roomId,
      body: e.body,
      clientId: e.clientId,
      ...(e.replyToId ? { replyToId: e.replyToId } : {}),
      ...(e.threadId ? { threadId: e.threadId } : {}),
    });
    return { ok: true, message };
  } catch (error) {
    // No answer, or the server failing (a restart, its database away): the send may or may not
    // have been stored, and sending it again later is safe (same clientId).
    if (isTransient(error)) return { ok: false, retry: true };
    return { ok: false, retry: false, error: sendFailure(error) };
  }
}

/**
 * Runs the outbox for the signed-in person (mount once): opens theirs, sends what it holds, and
 * sends what waits once the socket is back, or every few seconds while the browser is online.
 */
export function useOutboxSender(meId: string): void {
  const client = useTRPCClient();
  useEffect(() => {
    outbox.open(meId, (entry) => sendEntry(client, entry));
    return () => outbox.close();
  }, [meId, client]);
  useReconnected(() => outbox.resume());
  useEffect(() => {
    const timer = setInterval(() => {
      if (navigator.onLine) outbox.resume();
    }, RETRY_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
}

/**
 * Writing into a room: a message shows at once as pending and goes out through the outbox, in
 * order; it becomes the server's copy when confirmed (by the reply or the live event, whichever
 * comes first). A refused one offers Retry and Discard. With `threadId`, into that thread.
 */
export function useSendMessage(roomId: string, threadId: string | null = null) {
  return useMemo(
    () => ({
      send: (body: string, replyTo: DisplayMessage | null) =>
        outbox.add({
          clientId: newClientId(),
          roomId,
          ...(threadId ? { threadId } : {}),
          body,
          replyToId: replyTo?.id ?? undefined,
          replyTo:
            replyTo?.id != null
              ? { id: replyTo.id, author: replyTo.author, body: replyTo.body, deleted: false }
              : null,
          createdAt: new Date().toISOString(),
        }),
      retry: (clientId: string) => outbox.retry(roomId, clientId),
      discard: (clientId: string) => outbox.discard(roomId, clientId),
    }),
    [roomId, threadId],
  );
}
