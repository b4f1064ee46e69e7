import type { RoomSummary } from '@parley/api-contract';
import { openRoom } from '../../lib/route';
import { BackIcon, LockIcon } from '../../ui/icons';
// In the first download: a lazy chunk that cannot load (the server down as a room opens)
// would take the whole room view down with it.
import { NotifyLevelSelect } from './NotifyLevelSelect';

export function RoomHeader({
  room,
  onlineCount,
  peerOnline,
  membersId,
  membersShown,
  onToggleMembers,
  onInvite,
  onSettings,
  onLeave,
  leaving,
}: {
  room: RoomSummary;
  onlineCount: number;
  peerOnline: boolean;
  /** The member list's id (the toggle controls it). */
  membersId: string;
  membersShown: boolean;
  onToggleMembers: () => void;
  onInvite: () => void;
  onSettings: () => void;
  onLeave: () => void;
  leaving: boolean;
}) {
  const isDirect = room.kind === 'direct';
  const archived = room.archivedAt !== null;
  const isAdmin = room.role === 'admin' && !isDirect;
  return (
    <header className="room-header">
      <button
        type="button"
        className="icon-btn back"
        aria-label="Back to conversations"
        onClick={() => openRoom(null)}
      >
        <BackIcon />
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
          {archived && <span className="tag">Archived</span>}
        </h1>
        <div className="room-sub">
          <button
            type="button"
            className="room-meta link"
            onClick={onToggleMembers}
            aria-expanded={membersShown}
            aria-controls={membersId}
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
          {room.topic && (
            <p className="room-topic" title={room.topic}>
              <span className="sr-only">Topic: </span>
              {room.topic}
            </p>
          )}
        </div>
      </div>
      {isDirect && (
        <div className="room-actions">
          <NotifyLevelSelect room={room} />
        </div>
      )}
      {!isDirect && (
        <div className="room-actions">
          <NotifyLevelSelect room={room} />
          {!archived && (
            <button type="button" className="btn small" onClick={onInvite}>
              Invite
            </button>
          )}
          {isAdmin && !archived && (
            <button type="button" className="btn small" onClick={onSettings}>
              Room settings
            </button>
          )}
          <button type="button" className="btn small ghost" onClick={onLeave} disabled={leaving}>
            Leave
          </button>
        </div>
      )}
    </header>
  );
}
