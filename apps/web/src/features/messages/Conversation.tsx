import type { UserRef } from '@parley/api-contract';
import { type ReactNode, useMemo, useState } from 'react';
import { openMessage, openRoom } from '../../lib/route';
import { ReactionPickerContext } from '../reactions/picker';
import { useToggleReaction } from '../reactions/reactions';
import { Composer } from './Composer';
import { draftKey, useDraftField } from './drafts';
import { MessageList } from './MessageList';
import type { MessageActions } from './MessageRow';
import { buildRows, type DisplayMessage } from './rows';
import { useEditMessage } from './useEditMessage';
import type { RoomMessages } from './useRoomMessages';
import { useSendMessage } from './useSendMessage';

/**
 * A room's messages and the composer under them: replying, editing (↑ edits my last message),
 * sending, and the list's loading and error states.
 */
export function Conversation({
  messages: { history, messages, pending, apply, target },
  roomId,
  roomName,
  beginning,
  me,
  canModerate,
  onNotice,
  onTyping,
  aboveComposer,
  readOnly,
  unreadAfter,
  members,
  onThread,
}: {
  messages: RoomMessages;
  roomId: string;
  /** As people see it: "#general", a private room's name, or the other person's name. */
  roomName: string;
  /** The line atop the complete history. */
  beginning: string;
  me: UserRef;
  canModerate: boolean;
  onNotice: (text: string) => void;
  onTyping: () => void;
  /** Shown between the list and the composer (who is typing). */
  aboveComposer: ReactNode;
  /** An archived room: this shows instead of the composer, and messages have no actions. */
  readOnly?: ReactNode;
  /** My read position when the room opened, if it had unread messages: the list lands there. */
  unreadAfter: number | null;
  /** The room's members, for `@` completion. */
  members: readonly UserRef[];
  /** Opens a message's thread ("Reply in thread", its reply summary, `T`). */
  onThread?: (m: DisplayMessage) => void;
}) {
  const drafts = draftKey(me.id, roomId);
  const [replyTo, setReplyTo] = useDraftField(drafts, 'replyTo');
  const [editing, setEditing] = useState<DisplayMessage | null>(null);
  const [sentSignal, setSentSignal] = useState(0);
  const send = useSendMessage(roomId);
  const { edit, remove } = useEditMessage(apply, onNotice);
  const toggleReaction = useToggleReaction(apply, me.id, onNotice);
  const rows = useMemo(() => buildRows(messages, pending, me), [messages, pending, me]);
  const [pickingFor, setPickingFor] = useState<string | null>(null);
  const picker = useMemo(() => ({ openFor: pickingFor, setOpenFor: setPickingFor }), [pickingFor]);

  const actions: MessageActions = useMemo(
    () => ({
      onReply: (m) => {
        setEditing(null);
        setReplyTo(m);
      },
      onEdit: (m) => {
        setReplyTo(null);
        setEditing(m);
      },
      onDelete: (m) => {
        if (m.id) remove({ messageId: m.id });
      },
      onThread,
      onRetry: (m) => send.retry(m.clientId),
      onDiscard: (m) => send.discard(m.clientId),
      onReact: (m, emoji, add) => {
        if (m.id) toggleReaction(m.id, emoji, add);
      },
      // The list keeps one Tab stop, so the keyboard opens a row's picker with this command
      // (`:`) rather than by tabbing to its "Add reaction" button.
      onPickReaction: (m) => setPickingFor(m.id),
    }),
    [remove, send, toggleReaction, onThread],
  );

  const onSend = (body: string) => {
    // What I send goes after the latest message: leave a window in the past for it.
    if (target) openRoom(roomId);
    send.send(body, replyTo);
    setReplyTo(null);
    setSentSignal((n) => n + 1);
  };

  const onEditLast = () => {
    const mine = [...messages].reverse().find((m) => m.author.id === me.id && !m.deletedAt);
    if (!mine) return false;
    const row = rows.find((r) => r.kind === 'message' && r.message.id === mine.id);
    if (row?.kind !== 'message') return false;
    setReplyTo(null);
    setEditing(row.message);
    return true;
  };

  return (
    <ReactionPickerContext.Provider value={picker}>
      {history.isError && (
        <div className="history-error" role="alert">
          <span>
            Could not load messages.{' '}
            {history.isFetching ? 'Trying again…' : 'Trying again when the connection is back.'}
          </span>
          <button
            type="button"
            className="btn small"
            onClick={() => history.refetch()}
            disabled={history.isFetching}
          >
            Try again
          </button>
        </div>
      )}
      {history.isPending && !history.isError ? (
        <div className="message-area loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading messages…
        </div>
      ) : (
        // With the history failed, what I write meanwhile still shows (it waits in the outbox).
        <MessageList
          // A window around another message is another list (its own scroll and highlight).
          key={target ?? 'latest'}
          target={target}
          hasNewer={history.hasPreviousPage}
          loadingNewer={history.isFetchingPreviousPage}
          loadNewer={history.fetchPreviousPage}
          onJumpToLatest={() => openRoom(roomId)}
          onOpenMessage={(id) => openMessage(roomId, id)}
          rows={rows}
          roomName={roomName}
          beginning={beginning}
          meId={me.id}
          canModerate={canModerate}
          readOnly={Boolean(readOnly)}
          historyFailed={history.isError}
          hasOlder={history.hasNextPage}
          loadingOlder={history.isFetchingNextPage}
          loadOlder={history.fetchNextPage}
          scrollToBottomSignal={sentSignal}
          actions={actions}
          unreadAfter={unreadAfter}
        />
      )}
      {aboveComposer}
      {readOnly ?? (
        <Composer
          roomName={roomName}
          draftKey={drafts}
          replyTo={replyTo}
          editing={editing}
          onCancelReply={() => setReplyTo(null)}
          onCancelEdit={() => setEditing(null)}
          onSend={onSend}
          onSaveEdit={(m, body) => {
            if (m.id) edit({ messageId: m.id, body });
            setEditing(null);
          }}
          onEditLast={onEditLast}
          onTyping={onTyping}
          members={members}
          meId={me.id}
        />
      )}
    </ReactionPickerContext.Provider>
  );
}
