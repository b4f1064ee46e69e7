import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Avatar } from './Avatar';
import { BrowseDialog, CreateRoomDialog, DirectDialog } from './dialogs';
import { plainPreview } from './markdown';
import { RoomView } from './RoomView';
import { openRoom, useRoomRoute } from './route';
import { socket, useTRPC } from './trpc';
import type { Me, RoomSummary } from './types';

type Dialog = 'create' | 'browse' | 'direct' | null;

export function ChatShell({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roomId = useRoomRoute();
  const [dialog, setDialog] = useState<Dialog>(null);
  const rooms = useQuery(trpc.rooms.list.queryOptions());

  // Rooms added or removed, unread counts and DM presence, live.
  useSubscription(
    trpc.live.userEvents.subscriptionOptions(undefined, {
      onData: (event) => {
        const listKey = trpc.rooms.list.queryKey();
        switch (event.type) {
          case 'room.added':
          case 'room.removed':
            void queryClient.invalidateQueries(trpc.rooms.list.queryFilter());
            if (event.type === 'room.removed' && event.roomId === currentRoom()) openRoom(null);
            break;
          case 'room.activity':
            if (event.roomId === currentRoom() || event.authorId === me.id) {
              queryClient.setQueryData(listKey, (list) =>
                list?.map((r) =>
                  r.id === event.roomId
                    ? { ...r, lastPosition: Math.max(r.lastPosition, event.lastPosition) }
                    : r,
                ),
              );
            }
            void queryClient.invalidateQueries(trpc.rooms.list.queryFilter());
            break;
          case 'presence':
            queryClient.setQueryData(listKey, (list) =>
              list?.map((r) =>
                r.peer?.id === event.userId
                  ? { ...r, peer: { ...r.peer, online: event.online } }
                  : r,
              ),
            );
            break;
        }
      },
    }),
  );

  // Coming back after a drop: anything may have changed while we were away.
  const status = useSyncExternalStore(socket.subscribe, socket.getStatus);
  const [wasDown, setWasDown] = useState(false);
  useEffect(() => {
    if (status === 'reconnecting' || status === 'offline') setWasDown(true);
    else if (status === 'online' && wasDown) {
      setWasDown(false);
      void queryClient.invalidateQueries(trpc.rooms.list.queryFilter());
    }
  }, [status, wasDown, queryClient, trpc]);

  const current = rooms.data?.find((r) => r.id === roomId);
  // A room in the URL that is not (or no longer) mine: back to the list.
  useEffect(() => {
    if (roomId && rooms.data && !rooms.data.some((r) => r.id === roomId)) openRoom(null);
  }, [roomId, rooms.data]);

  // Title shows the unread total.
  const unreadTotal = rooms.data?.reduce((n, r) => n + (r.id === roomId ? 0 : r.unread), 0) ?? 0;
  useEffect(() => {
    const base = current
      ? `${current.kind === 'direct' ? '' : '#'}${current.name} · Parley`
      : 'Parley';
    document.title = unreadTotal > 0 ? `(${unreadTotal}) ${base}` : base;
  }, [current, unreadTotal]);

  return (
    <div className={`shell ${roomId ? 'has-room' : 'no-room'}`}>
      <ConnectionBanner />
      <Sidebar
        me={me}
        rooms={rooms.data}
        loading={rooms.isPending}
        activeId={roomId}
        onDialog={setDialog}
      />
      <main className="main">
        {current ? (
          <RoomView key={current.id} room={current} me={me} />
        ) : (
          <div className="empty-main">
            <span className="logo big" aria-hidden="true" />
            <h2>{rooms.data?.length ? 'Pick a conversation' : 'Welcome to Parley'}</h2>
            <p className="muted">
              {rooms.data?.length
                ? 'Choose a room on the left, or start something new.'
                : 'Create a room, join a public one, or message someone directly.'}
            </p>
            <div className="empty-actions">
              <button type="button" className="btn primary" onClick={() => setDialog('create')}>
                Create a room
              </button>
              <button type="button" className="btn" onClick={() => setDialog('browse')}>
                Browse rooms
              </button>
            </div>
          </div>
        )}
      </main>
      {dialog === 'create' && <CreateRoomDialog onClose={() => setDialog(null)} />}
      {dialog === 'browse' && <BrowseDialog onClose={() => setDialog(null)} />}
      {dialog === 'direct' && <DirectDialog onClose={() => setDialog(null)} />}
    </div>
  );
}

function currentRoom(): string | null {
  return /^#\/room\/([\w-]+)$/.exec(location.hash)?.[1] ?? null;
}

function ConnectionBanner() {
  const status = useSyncExternalStore(socket.subscribe, socket.getStatus);
  const show = status === 'reconnecting' || status === 'offline';
  return (
    <div className={`conn-banner ${show ? 'show' : ''}`} role="status" aria-live="polite">
      {show && (
        <>
          <span className="spinner" aria-hidden="true" />
          {status === 'offline' ? 'You are offline. Reconnecting…' : 'Reconnecting…'}
        </>
      )}
    </div>
  );
}

function Sidebar({
  me,
  rooms,
  loading,
  activeId,
  onDialog,
}: {
  me: Me;
  rooms: RoomSummary[] | undefined;
  loading: boolean;
  activeId: string | null;
  onDialog: (d: Dialog) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: async () => {
        await socket.restart();
        openRoom(null);
        queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        queryClient.removeQueries({
          predicate: (q) => q.queryKey[0]?.toString() !== trpc.auth.me.queryKey()[0]?.toString(),
        });
      },
    }),
  );
  const channels = rooms?.filter((r) => r.kind !== 'direct') ?? [];
  const directs = rooms?.filter((r) => r.kind === 'direct') ?? [];

  return (
    <aside className="sidebar" aria-label="Conversations">
      <div className="sidebar-head">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          Parley
        </div>
        <button
          type="button"
          className="icon-btn"
          aria-label="Create a room"
          title="Create a room"
          onClick={() => onDialog('create')}
        >
          <PlusIcon />
        </button>
      </div>
      <nav className="room-nav">
        <div className="nav-section">
          <div className="nav-title">
            <span>Rooms</span>
            <button type="button" className="link small" onClick={() => onDialog('browse')}>
              Browse
            </button>
          </div>
          <ul>
            {loading && <li className="muted small pad">Loading…</li>}
            {!loading && channels.length === 0 && (
              <li className="muted small pad">No rooms yet.</li>
            )}
            {channels.map((r) => (
              <RoomLink key={r.id} room={r} active={r.id === activeId} />
            ))}
          </ul>
        </div>
        <div className="nav-section">
          <div className="nav-title">
            <span>Direct messages</span>
            <button type="button" className="link small" onClick={() => onDialog('direct')}>
              New
            </button>
          </div>
          <ul>
            {!loading && directs.length === 0 && (
              <li className="muted small pad">No conversations yet.</li>
            )}
            {directs.map((r) => (
              <RoomLink key={r.id} room={r} active={r.id === activeId} />
            ))}
          </ul>
        </div>
      </nav>
      <div className="sidebar-foot">
        <Avatar user={me} size={32} />
        <div className="me">
          <div className="me-name">{me.displayName}</div>
          <div className="muted small">@{me.username}</div>
        </div>
        <button
          type="button"
          className="btn small"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          Sign out
        </button>
      </div>
    </aside>
  );
}

function RoomLink({ room, active }: { room: RoomSummary; active: boolean }) {
  const unread = active ? 0 : room.unread;
  const label = `${room.kind === 'direct' ? room.name : `${room.name}`}${
    room.peer ? (room.peer.online ? ', online' : ', offline') : ''
  }${unread > 0 ? `, ${unread} unread` : ''}`;
  return (
    <li>
      <a
        href={`#/room/${room.id}`}
        className={`room-link ${active ? 'active' : ''} ${unread > 0 ? 'unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={label}
      >
        {room.kind === 'direct' && room.peer ? (
          <span className="dm-avatar">
            <Avatar user={room.peer} size={22} />
            <span className={`dot ${room.peer.online ? 'on' : 'off'}`} aria-hidden="true" />
          </span>
        ) : (
          <span className="hash" aria-hidden="true">
            {room.kind === 'private' ? <LockIcon /> : '#'}
          </span>
        )}
        <span className="room-text">
          <span className="room-name">{room.name}</span>
          {room.lastMessage && (
            <span className="room-preview">
              {room.lastMessage.body ? plainPreview(room.lastMessage.body, 60) : 'Message deleted'}
            </span>
          )}
        </span>
        {unread > 0 && (
          <span className="badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </a>
    </li>
  );
}

export function PlusIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M12 5v14M5 12h14" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

export function LockIcon() {
  return (
    <svg width="13" height="13" viewBox="0 0 24 24" aria-hidden="true">
      <rect x="5" y="11" width="14" height="10" rx="2" fill="currentColor" />
      <path d="M8 11V8a4 4 0 0 1 8 0v3" stroke="currentColor" strokeWidth="2" fill="none" />
    </svg>
  );
}
