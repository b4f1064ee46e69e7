import { useState } from 'react';
import { notificationsSupported } from './desktop';

/**
 * The one place Parley asks for permission to show desktop notifications: a button the
 * person presses (never on load). Says what the browser decided.
 */
export function NotificationsPermission() {
  const [permission, setPermission] = useState(() =>
    notificationsSupported() ? Notification.permission : null,
  );
  if (permission === null) {
    return <p className="muted">This browser cannot show desktop notifications.</p>;
  }
  if (permission === 'granted') {
    return (
      <p role="status">
        Desktop notifications are on: direct messages and mentions of you (or what each room is set
        to) while you look elsewhere.
      </p>
    );
  }
  if (permission === 'denied') {
    return (
      <p role="status">
        This browser blocks Parley's notifications. Allow them in the site settings to get them.
      </p>
    );
  }
  return (
    <button
      type="button"
      className="btn"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      Turn on desktop notifications
    </button>
  );
}
