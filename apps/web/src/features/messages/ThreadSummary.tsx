import type { MessageView, UserRef } from '@parley/api-contract';
import { createContext, useContext, useSyncExternalStore } from 'react';
import { Avatar } from '../../ui/Avatar';

/** The room's members by id, so a thread's participants (ids) show as avatars with names. */
export const ThreadPeopleContext = createContext<ReadonlyMap<string, UserRef>>(new Map());

/** One clock for every "last reply … ago": it ticks each minute while something shows it. */
const clock = {
  now: Date.now(),
  listeners: new Set<() => void>(),
  timer: undefined as ReturnType<typeof setInterval> | undefined,
  subscribe(listener: () => void) {
    clock.listeners.add(listener);
    clock.now = Date.now();
    clock.timer ??= setInterval(() => {
      clock.now = Date.now();
      for (const l of clock.listeners) l();
    }, 30_000);
    return () => {
      clock.listeners.delete(listener);
      if (clock.listeners.size === 0) {
        clearInterval(clock.timer);
        clock.timer = undefined;
      }
    };
  },
};

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now: number): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

export function repliesLabel(count: number): string {
  return count === 1 ? '1 reply' : `${count} replies`;
}

/**
 * Under a thread's root in the room: "3 replies · last reply 5 min ago" with the latest
 * repliers' initials; it opens the thread. Live: the summary comes from reply events.
 */
export function ThreadSummary({
  thread,
  onOpen,
}: {
  thread: NonNullable<MessageView['thread']>;
  onOpen: () => void;
}) {
  const people = useContext(ThreadPeopleContext);
  const now = useSyncExternalStore(clock.subscribe, () => clock.now);
  const shown = thread.participants.slice(0, 3).flatMap((id) => {
    const user = people.get(id);
    return user ? [user] : [];
  });
  return (
    <button type="button" className="thread-summary" tabIndex={-1} onClick={onOpen}>
      {shown.length > 0 && (
        <span className="thread-people">
          {shown.map((u) => (
            <Avatar key={u.id} user={u} size={20} />
          ))}
        </span>
      )}
      <span className="thread-count">{repliesLabel(thread.replyCount)}</span>
      <span className="thread-last muted">· last reply {ago(thread.lastReplyAt, now)}</span>
    </button>
  );
}
