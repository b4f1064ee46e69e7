import type { RoomSummary } from '@parley/api-contract';
import { openRoom } from '../../lib/route';
import { BackIcon, LockIcon } from '../../ui/icons';

export function RoomHeader({
  room,
  onlineCount,
  peerOnline,
  membersShown,
  onToggleMembers,
  onInvite,
  onLeave,
  leaving,
}: {
  room: RoomSummary;
  onlineCount: number;
  peerOnline: boolean;
  membersShown: boolean;
  onToggleMembers: () => void;
  onInvite: () => void;
  onLeave: () => void;
  leaving: boolean;
}) {
  const isDirect = room.kind === 'direct';
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
        </h1>
        <button
          type="button"
          className="room-meta link"
          onClick={onToggleMembers}
          aria-expanded={membersShown}
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
          <button type="button" className="btn small" onClick={onInvite}>
            Invite
          </button>
          <button type="button" className="btn small ghost" onClick={onLeave} disabled={leaving}>
            Leave
          </button>
        </div>
      )}
    </header>
  );
}
