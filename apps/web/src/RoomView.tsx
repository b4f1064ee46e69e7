import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Avatar } from './Avatar';
import { LockIcon } from './ChatShell';
import { Composer } from './Composer';
import { InviteDialog } from './dialogs';
import { type MessageActions, MessageList } from './MessageList';
import { newClientId, type PendingMessage, pendingStore } from './pending';
import { openRoom } from './route';
import { buildRows, type DisplayMessage } from './rows';
import { errorCode, errorMessage, useTRPC } from './trpc';
import type { Me, RoomSummary } from './types';
import { useRoomMessages } from './useRoomMessages';

const TYPING_EVERY_MS = 2_000;
// The server says when typing stops; this only guards against a lost "stopped" event.
const TYPING_SHOWN_MS = 20_000;

function sendFailure(error: unknown): string {
  if (errorCode(error) === 'TOO_MANY_REQUESTS') {
    return 'Whoa, that was quick! Give it a few seconds, then retry.';
  }
  const code = errorCode(error);
  if (code === 'FORBIDDEN' || code === 'NOT_FOUND') return 'You can no longer post in this room.';
  if (!code) return 'Not sent: no connection.';
  return `Not sent: ${errorMessage(error)}`;
}

/** Who is online and who is typing in a room, live. */
function useRoomActivity(roomId: string, meId: string) {
  const trpc = useTRPC();
  // null until the snapshot arrives: until then the room list's idea of presence stands.
  const [online, setOnline] = useState<ReadonlySet<string> | null>(null);
  const [typing, setTyping] = useState<ReadonlyMap<string, { name: string; until: number }>>(
    new Map(),
  );
  useSubscription(
    trpc.live.roomActivity.subscriptionOptions(
      { roomId },
      {
        onData: (event) => {
          if (event.type === 'presence.snapshot') {
            setOnline(new Set(event.online));
            // Someone already mid-sentence when I open the room.
            const until = Date.now() + TYPING_SHOWN_MS;
            setTyping(
              new Map(
                event.typing
                  .filter((u) => u.id !== meId)
                  .map((u) => [u.id, { name: u.displayName, until }]),
              ),
            );
          } else if (event.type === 'presence') {
            setOnline((prev) => {
              const next = new Set(prev ?? []);
              if (event.online) next.add(event.userId);
              else next.delete(event.userId);
              return next;
            });
          } else if (event.user.id !== meId) {
            setTyping((prev) => {
              const next = new Map(prev);
              if (event.typing) {
                next.set(event.user.id, {
                  name: event.user.displayName,
                  until: Date.now() + TYPING_SHOWN_MS,
                });
              } else next.delete(event.user.id);
              return next;
            });
          }
        },
      },
    ),
  );
  // Typing expires on its own if the "stopped" event never comes.
  useEffect(() => {
    if (typing.size === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setTyping((prev) => {
        const next = new Map([...prev].filter(([, t]) => t.until > now));
        return next.size === prev.size ? prev : next;
      });
    }, 1_000);
    return () => clearInterval(timer);
  }, [typing.size]);
  return { online, typing };
}

function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

export function RoomView({ room, me }: { room: RoomSummary; me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roomId = room.id;
  const { history, messages, pending, newestPosition, apply } = useRoomMessages(roomId, me.id);
  const { online, typing } = useRoomActivity(roomId, me.id);
  const [replyTo, setReplyTo] = useState<DisplayMessage | null>(null);
  const [editing, setEditing] = useState<DisplayMessage | null>(null);
  const [sentSignal, setSentSignal] = useState(0);
  const [inviting, setInviting] = useState(false);
  const [showMembers, setShowMembers] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const author = useMemo(
    () => ({ id: me.id, username: me.username, displayName: me.displayName }),
    [me.id, me.username, me.displayName],
  );
  const rows = useMemo(() => buildRows(messages, pending, author), [messages, pending, author]);

  // ---- sending ----
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: (message) => {
        apply(message, message.position);
        pendingStore.remove(roomId, message.clientId);
      },
      onError: (error, vars) => {
        pendingStore.update(vars.roomId, vars.clientId, {
          status: 'failed',
          error: sendFailure(error),
        });
      },
    }),
  );
  const dispatch = useCallback(
    (p: PendingMessage) => {
      pendingStore.upsert({ ...p, status: 'sending', error: undefined });
      send.mutate({
        roomId: p.roomId,
        body: p.body,
        clientId: p.clientId,
        ...(p.replyToId ? { replyToId: p.replyToId } : {}),
      });
    },
    [send.mutate],
  );
  const onSend = (body: string) => {
    dispatch({
      clientId: newClientId(),
      roomId,
      body,
      replyToId: replyTo?.id ?? undefined,
      replyTo:
        replyTo?.id != null
          ? { id: replyTo.id, author: replyTo.author, body: replyTo.body, deleted: false }
          : null,
      createdAt: new Date().toISOString(),
      status: 'sending',
    });
    setReplyTo(null);
    setSentSignal((n) => n + 1);
  };

  // ---- edit and delete ----
  const edit = useMutation(
    trpc.messages.edit.mutationOptions({
      onSuccess: (message) => apply(message, message.position),
      onError: (error) => setNotice(`Could not save the edit: ${errorMessage(error)}`),
    }),
  );
  const del = useMutation(
    trpc.messages.delete.mutationOptions({
      onSuccess: (message) => apply(message, message.position),
      onError: (error) => setNotice(`Could not delete: ${errorMessage(error)}`),
    }),
  );

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
        if (m.id) del.mutate({ messageId: m.id });
      },
      onRetry: (m) => {
        const p = pendingStore.get(roomId).find((x) => x.clientId === m.clientId);
        if (p) dispatch(p);
      },
      onDiscard: (m) => pendingStore.remove(roomId, m.clientId),
    }),
    [del.mutate, dispatch, roomId],
  );

  const onEditLast = () => {
    const mine = [...messages].reverse().find((m) => m.author.id === me.id && !m.deletedAt);
    if (!mine) return false;
    const row = rows.find((r) => r.kind === 'message' && r.message.id === mine.id);
    if (row?.kind !== 'message') return false;
    setReplyTo(null);
    setEditing(row.message);
    return true;
  };

  // ---- typing ----
  const typingMutation = useMutation(trpc.live.typing.mutationOptions());
  const lastTyping = useRef(0);
  const onTyping = () => {
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    typingMutation.mutate({ roomId });
  };

  // ---- read state ----
  const markRead = useMutation(trpc.rooms.markRead.mutationOptions());
  const marked = useRef(room.lastReadPosition);
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible' || newestPosition <= marked.current) return;
      marked.current = newestPosition;
      markRead.mutate({ roomId, position: newestPosition });
      queryClient.setQueryData(trpc.rooms.list.queryKey(), (list) =>
        list?.map((r) =>
          r.id === roomId
            ? { ...r, unread: 0, lastReadPosition: Math.max(r.lastReadPosition, newestPosition) }
            : r,
        ),
      );
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [newestPosition, roomId, markRead.mutate, queryClient, trpc]);

  // ---- leave ----
  const leave = useMutation(
    trpc.rooms.leave.mutationOptions({
      onSuccess: async () => {
        openRoom(null);
        await queryClient.invalidateQueries(trpc.rooms.list.queryFilter());
      },
      onError: (error) => setNotice(errorMessage(error)),
    }),
  );

  const onlineCount = online?.size ?? 0;
  const typingNames = [...typing.values()].map((t) => t.name);
  const isDirect = room.kind === 'direct';
  const peerOnline = room.peer ? (online?.has(room.peer.id) ?? room.peer.online) : false;

  return (
    <section className="room" aria-label={isDirect ? room.name : `#${room.name}`}>
      <header className="room-header">
        <button
          type="button"
          className="icon-btn back"
          aria-label="Back to conversations"
          onClick={() => openRoom(null)}
        >
          <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true">
            <path
              d="M15 5l-7 7 7 7"
              stroke="currentColor"
              strokeWidth="2"
              fill="none"
              strokeLinecap="round"
            />
          </svg>
        </button>
        <div className="room-title">
          <h1>
            {isDirect ? (
              room.name
            ) : (
              <>
                <span className="hash" aria-hidden="true">
                  {room.kind === 'private' ? <LockIcon /> : '#'}
                </span>
                {room.name}
              </>
            )}
          </h1>
          <button
            type="button"
            className="room-meta link"
            onClick={() => setShowMembers((s) => !s)}
            aria-expanded={showMembers}
          >
            {isDirect ? (
              <span>{peerOnline ? 'Online' : 'Offline'}</span>
            ) : (
              <span>
                {room.memberCount} {room.memberCount === 1 ? 'member' : 'members'}
                {' · '}
                <span className="online-count">
                  <span className="dot on" aria-hidden="true" /> {onlineCount} online
                </span>
              </span>
            )}
          </button>
        </div>
        {!isDirect && (
          <div className="room-actions">
            <button type="button" className="btn small" onClick={() => setInviting(true)}>
              Invite
            </button>
            <button
              type="button"
              className="btn small ghost"
              onClick={() => leave.mutate({ roomId })}
              disabled={leave.isPending}
            >
              Leave
            </button>
          </div>
        )}
      </header>
      {showMembers && (
        <MemberList roomId={roomId} online={online} onClose={() => setShowMembers(false)} />
      )}
      {notice && (
        <div className="notice" role="alert">
          {notice}
          <button
            type="button"
            className="icon-btn small"
            aria-label="Dismiss"
            onClick={() => setNotice(null)}
          >
            ×
          </button>
        </div>
      )}
      {history.isError ? (
        <div className="empty-main" role="alert">
          <p>Could not load messages.</p>
          <button type="button" className="btn" onClick={() => history.refetch()}>
            Try again
          </button>
        </div>
      ) : history.isPending ? (
        <div className="message-area loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading messages…
        </div>
      ) : (
        <MessageList
          rows={rows}
          roomName={isDirect ? room.name : `#${room.name}`}
          meId={me.id}
          canModerate={room.role === 'admin'}
          hasOlder={history.hasNextPage}
          loadingOlder={history.isFetchingNextPage}
          loadOlder={history.fetchNextPage}
          scrollToBottomSignal={sentSignal}
          actions={actions}
        />
      )}
      <div className="typing" aria-live="polite">
        {typingNames.length > 0 && (
          <>
            <span className="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {typingText(typingNames)}
          </>
        )}
      </div>
      <Composer
        roomName={isDirect ? room.name : `#${room.name}`}
        replyTo={replyTo}
        editing={editing}
        onCancelReply={() => setReplyTo(null)}
        onCancelEdit={() => setEditing(null)}
        onSend={onSend}
        onSaveEdit={(m, body) => {
          if (m.id) edit.mutate({ messageId: m.id, body });
          setEditing(null);
        }}
        onEditLast={onEditLast}
        onTyping={onTyping}
      />
      {inviting && (
        <InviteDialog roomId={roomId} roomName={room.name} onClose={() => setInviting(false)} />
      )}
    </section>
  );
}

function MemberList({
  roomId,
  online,
  onClose,
}: {
  roomId: string;
  online: ReadonlySet<string> | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const members = useQuery(trpc.rooms.members.queryOptions({ roomId }));
  const isOn = (m: { id: string; online: boolean }) => online?.has(m.id) ?? m.online;
  const sorted = [...(members.data ?? [])].sort(
    (a, b) => Number(isOn(b)) - Number(isOn(a)) || a.displayName.localeCompare(b.displayName),
  );
  return (
    <div className="members-panel">
      <div className="members-head">
        <strong>Members</strong>
        <button
          type="button"
          className="icon-btn small"
          aria-label="Close members"
          onClick={onClose}
        >
          ×
        </button>
      </div>
      <ul>
        {sorted.map((m) => {
          const on = isOn(m);
          return (
            <li key={m.id}>
              <span className="dm-avatar">
                <Avatar user={m} size={24} />
                <span className={`dot ${on ? 'on' : 'off'}`} aria-hidden="true" />
              </span>
              <span>{m.displayName}</span>
              <span className="muted small">
                @{m.username}
                {m.role === 'admin' ? ' · admin' : ''}
                {on ? ' · online' : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
