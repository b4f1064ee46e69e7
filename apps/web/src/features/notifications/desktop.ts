import type { RoomSummary, UserEvent } from '@parley/api-contract';
import { openRoom } from '../../lib/route';

type Activity = Extract<UserEvent, { type: 'room.activity' }>;

/**
 * Whether a new message deserves a desktop notification: from someone else, in a room I am
 * not looking at (another room is open, or the tab is hidden), and by my level of that room:
 * `all` every message, `mentions` mentions of me and every message of a direct room, `none`
 * nothing.
 */
export function shouldNotify(
  event: Activity,
  room: Pick<RoomSummary, 'kind' | 'notifications'> | undefined,
  viewer: { meId: string; openRoomId: string | null; hidden: boolean },
): boolean {
  if (event.change !== 'created' || event.authorId === viewer.meId || !room) return false;
  if (!viewer.hidden && event.roomId === viewer.openRoomId) return false;
  switch (room.notifications) {
    case 'all':
      return true;
    case 'mentions':
      return room.kind === 'direct' || event.mentions.includes(viewer.meId);
    case 'none':
      return false;
  }
}

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/** Shows the notification for a message (if allowed); a click opens its room. */
function show(event: Activity, room: RoomSummary, meId: string): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  const mentioned = event.mentions.includes(meId);
  const title =
    room.kind === 'direct'
      ? event.message.author.displayName
      : `${event.message.author.displayName} ${mentioned ? 'mentioned you in' : 'in'} ${
          room.kind === 'public' ? '#' : ''
        }${room.name}`;
  const notification = new Notification(title, {
    body: event.message.body,
    // One per room at a time: a burst replaces rather than stacks.
    tag: `parley-room-${event.roomId}`,
  });
  notification.onclick = () => {
    window.focus();
    openRoom(event.roomId);
    notification.close();
  };
}

/** A new message from my stream (loaded on the first one: not needed for a first paint). */
export function notifyFor(
  event: Activity,
  rooms: readonly RoomSummary[] | undefined,
  meId: string,
  openRoomId: string | null,
): void {
  const hidden = document.hidden;
  const room = rooms?.find((r) => r.id === event.roomId);
  if (room && shouldNotify(event, room, { meId, openRoomId, hidden })) show(event, room, meId);
}
