import type { RoomSummary, UserRef } from '@parley/api-contract';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { Avatar } from '../../ui/Avatar';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { roomLabel } from '../rooms/labels';
import { useOpenDirect } from '../rooms/roomActions';
import { useMembers, useRemoveMember, useSetRole } from './membership';

type Member = NonNullable<ReturnType<typeof useMembers>['data']>[number];

/**
 * The room's members, online first, with what I may do about each: message them, and (as a
 * room admin) make them an admin or a plain member, or remove them after a confirmation.
 * Closes on Escape and on a click outside it (the button that toggles it aside).
 */
export function MemberList({
  id,
  room,
  me,
  online,
  onClose,
  onNotice,
}: {
  /** The panel's id: the button that toggles it has `aria-controls` set to it. */
  id: string;
  room: RoomSummary;
  me: UserRef;
  /** Live presence, once known; until then each member's own `online`. */
  online: ReadonlySet<string> | null;
  onClose: () => void;
  onNotice: (text: string) => void;
}) {
  const roomId = room.id;
  const members = useMembers(roomId);
  const panel = useRef<HTMLDivElement>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const onError = (error: unknown) => onNotice(errorMessage(error));
  const setRole = useSetRole(roomId, onError);
  const remove = useRemoveMember(roomId, { onRemoved: () => setRemoving(null), onError });
  const openDirect = useOpenDirect({ onDone: onClose, onError });

  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const toggle = () => document.querySelector<HTMLElement>(`[aria-controls="${id}"]`);
    const onKey = (e: KeyboardEvent) => {
      // A dialog above the list (a confirmation) handles its own Escape first.
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      close.current();
      toggle()?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target instanceof Element ? e.target : null;
      if (!target || panel.current?.contains(target)) return;
      if (target.closest('dialog') || toggle()?.contains(target)) return;
      close.current();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [id]);

  const isOn = (m: { id: string; online: boolean }) => online?.has(m.id) ?? m.online;
  const sorted = [...(members.data ?? [])].sort(
    (a, b) => Number(isOn(b)) - Number(isOn(a)) || a.displayName.localeCompare(b.displayName),
  );
  const isAdmin = room.role === 'admin' && room.kind !== 'direct';
  const label = roomLabel(room);
  return (
    <div className="members-panel" id={id} ref={panel}>
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
          const self = m.id === me.id;
          return (
            <li key={m.id}>
              <div className="member">
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
              </div>
              {!self && room.kind !== 'direct' && (
                <div className="member-actions">
                  <button
                    type="button"
                    className="btn small ghost"
                    aria-label={`Message ${m.displayName}`}
                    disabled={openDirect.isPending}
                    onClick={() => openDirect.mutate({ username: m.username })}
                  >
                    Message
                  </button>
                  {isAdmin && (
                    <button
                      type="button"
                      className="btn small ghost"
                      aria-label={`${m.role === 'admin' ? 'Make member' : 'Make admin'}: ${m.displayName}`}
                      disabled={setRole.isPending}
                      onClick={() =>
                        setRole.mutate({
                          roomId,
                          userId: m.id,
                          role: m.role === 'admin' ? 'member' : 'admin',
                        })
                      }
                    >
                      {m.role === 'admin' ? 'Make member' : 'Make admin'}
                    </button>
                  )}
                  {isAdmin && (
                    <button
                      type="button"
                      className="btn small ghost danger"
                      aria-label={`Remove ${m.displayName}`}
                      onClick={() => setRemoving(m)}
                    >
                      Remove
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.displayName} from ${label}?`}
          confirmLabel="Remove"
          busy={remove.isPending}
          onConfirm={() => remove.mutate({ roomId, username: removing.username })}
          onClose={() => setRemoving(null)}
        >
          <p>
            {removing.displayName} will no longer see {label}, and will be told that you removed
            them.
            {room.kind === 'private' ? ' They will need an invite to return.' : ''}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
