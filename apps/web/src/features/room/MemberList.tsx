import { Avatar } from '../../ui/Avatar';
import { useMembers } from './membership';

export function MemberList({
  roomId,
  online,
  onClose,
}: {
  roomId: string;
  /** Live presence, once known; until then each member's own `online`. */
  online: ReadonlySet<string> | null;
  onClose: () => void;
}) {
  const members = useMembers(roomId);
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
