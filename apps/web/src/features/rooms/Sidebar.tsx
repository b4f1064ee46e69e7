import type { RoomSummary } from '@parley/api-contract';
import type { ReactNode } from 'react';
import { roomHref, screenHref, useRoomRoute, useScreenRoute } from '../../lib/route';
import { Avatar } from '../../ui/Avatar';
import { LockIcon, PlusIcon } from '../../ui/icons';
import { plainPreview } from '../../ui/markdown';
import type { RoomDialogKind } from './dialogs';
import { useRoomList } from './roomList';
import { splitArchived } from './roomListReducer';

export function Sidebar({
  onDialog,
  footer,
  brandIsTitle,
}: {
  onDialog: (kind: RoomDialogKind) => void;
  footer: ReactNode;
  /** No room is open: "Parley" is the page's heading (otherwise the room's name is). */
  brandIsTitle: boolean;
}) {
  const rooms = useRoomList();
  const activeId = useRoomRoute();
  const loading = rooms.isPending;
  // Archived rooms are read-only: they leave the list for a section of their own.
  const { open, archived } = splitArchived(rooms.data ?? []);
  const channels = open.filter((r) => r.kind !== 'direct');
  const directs = open.filter((r) => r.kind === 'direct');
  const screen = useScreenRoute();
  const mentionTotal = open.reduce((n, r) => n + (r.id === activeId ? 0 : r.mentionCount), 0);

  return (
    <div className="sidebar">
      <div className="sidebar-head">
        {brandIsTitle ? (
          <h1 className="brand">
            <span className="logo" aria-hidden="true" />
            Parley
          </h1>
        ) : (
          <div className="brand">
            <span className="logo" aria-hidden="true" />
            Parley
          </div>
        )}
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
      <nav className="room-nav" aria-label="Conversations">
        <a
          href={screenHref('mentions')}
          className={`room-link mentions-link ${screen === 'mentions' ? 'active' : ''}`}
          aria-current={screen === 'mentions' ? 'page' : undefined}
        >
          <span className="hash" aria-hidden="true">
            @
          </span>
          <span className="room-text">
            <span className="room-name">Mentions</span>
          </span>
          {mentionTotal > 0 && (
            <span className="badge mention-badge">
              {mentionTotal > 99 ? '99+' : mentionTotal}
              <span className="sr-only"> unread</span>
            </span>
          )}
        </a>
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
        {archived.length > 0 && (
          <div className="nav-section archived">
            <div className="nav-title">
              <span>Archived</span>
            </div>
            <ul aria-label="Archived rooms">
              {archived.map((r) => (
                <RoomLink key={r.id} room={r} active={r.id === activeId} />
              ))}
            </ul>
          </div>
        )}
      </nav>
      {footer}
    </div>
  );
}

/**
 * A room in the list. Its accessible name starts with what it shows (name, last message, unread
 * count: WCAG 2.5.3, label in name) and ends with what only a screen reader needs said.
 */
function RoomLink({ room, active }: { room: RoomSummary; active: boolean }) {
  const unread = active ? 0 : room.unread;
  const mentions = active ? 0 : room.mentionCount;
  const preview = room.lastMessage
    ? room.lastMessage.body
      ? plainPreview(room.lastMessage.body, 60)
      : 'Message deleted'
    : null;
  return (
    <li>
      <a
        href={roomHref(room.id)}
        className={`room-link ${active ? 'active' : ''} ${unread > 0 ? 'unread' : ''}`}
        aria-current={active ? 'page' : undefined}
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
          <span className="room-name">
            {room.name}
            {preview && <span className="sr-only">:</span>}
          </span>
          {preview && <span className="room-preview">{preview}</span>}
        </span>
        {mentions > 0 && (
          <span className="badge mention-badge" title="Mentions of you">
            @{mentions > 99 ? '99+' : mentions}
            <span className="sr-only"> {mentions === 1 ? 'mention' : 'mentions'}</span>
          </span>
        )}
        {unread > 0 && (
          <span className="badge">
            {unread > 99 ? '99+' : unread}
            <span className="sr-only"> unread</span>
          </span>
        )}
        {room.peer && <span className="sr-only">, {room.peer.online ? 'online' : 'offline'}</span>}
      </a>
    </li>
  );
}
