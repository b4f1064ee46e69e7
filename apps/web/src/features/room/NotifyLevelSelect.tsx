import type { NotifyLevel, RoomSummary } from '@parley/api-contract';
import { useId, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { useSetNotifications } from '../rooms/roomActions';

const LABELS: Record<NotifyLevel, string> = {
  all: 'All messages',
  mentions: 'Mentions only',
  none: 'Nothing',
};

/** My desktop notifications for this room (rooms.setNotifications). */
export function NotifyLevelSelect({ room }: { room: RoomSummary }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const { setLevel, saving } = useSetNotifications(room.id, (e) => setError(errorMessage(e)));
  return (
    <span className="notify-level">
      <label htmlFor={id} className="sr-only">
        Notifications
      </label>
      <select
        id={id}
        className="btn small"
        value={room.notifications}
        disabled={saving}
        title="Desktop notifications for this room"
        onChange={(e) => {
          setError(null);
          setLevel(e.target.value as NotifyLevel);
        }}
      >
        {(Object.keys(LABELS) as NotifyLevel[]).map((level) => (
          <option key={level} value={level}>
            {room.kind === 'direct' && level === 'mentions'
              ? 'Notify: every message (DM)'
              : `Notify: ${LABELS[level].toLowerCase()}`}
          </option>
        ))}
      </select>
      {error && (
        <span className="field-error small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
