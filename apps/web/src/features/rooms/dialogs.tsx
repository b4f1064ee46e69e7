import { LIMITS } from '@parley/api-contract/limits';
import { type FormEvent, useDeferredValue, useState } from 'react';
import { friendlyError } from '../../lib/errors';
import { openRoom } from '../../lib/route';
import { check, typedUsername } from '../../lib/validate';
import { FormActions, FormError, TextField, useForm } from '../../ui/form';
import { Modal } from '../../ui/Modal';
import { useBrowseRooms, useCreateRoom, useJoinRoom, useOpenDirect } from './roomActions';

export type RoomDialogKind = 'create' | 'browse' | 'direct';

/** The dialogs that lead to a room: create one, browse public ones, message someone. */
export function RoomDialog({ kind, onClose }: { kind: RoomDialogKind; onClose: () => void }) {
  if (kind === 'create') return <CreateRoomDialog onClose={onClose} />;
  if (kind === 'browse') return <BrowseDialog onClose={onClose} />;
  return <DirectDialog onClose={onClose} />;
}

function CreateRoomDialog({ onClose }: { onClose: () => void }) {
  const { values, errors, setErrors, field } = useForm({ name: '' });
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const create = useCreateRoom({
    onDone: onClose,
    onError: (e) => setErrors({ name: friendlyError(e, 'Could not create the room.') }),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = await check(
      (s) => s.roomInputs.create,
      { name: values.name, visibility },
      { name: 'Give the room a name.' },
    );
    if (checked.ok) create.mutate(checked.data);
    else setErrors(checked.errors);
  };
  return (
    <Modal title="Create a room" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Room name"
          {...field('name')}
          autoFocus
          maxLength={LIMITS.roomNameMax}
          placeholder="e.g. design-crit"
        />
        <fieldset className="radio-group">
          <legend>Who can join</legend>
          <label>
            <input
              type="radio"
              name="visibility"
              checked={visibility === 'public'}
              onChange={() => setVisibility('public')}
            />
            <span>
              <strong>Public</strong> — anyone can find and join it
            </span>
          </label>
          <label>
            <input
              type="radio"
              name="visibility"
              checked={visibility === 'private'}
              onChange={() => setVisibility('private')}
            />
            <span>
              <strong>Private</strong> — invite only
            </span>
          </label>
        </fieldset>
        <FormError message={errors.form} />
        <FormActions>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={create.isPending}>
            Create room
          </button>
        </FormActions>
      </form>
    </Modal>
  );
}

function BrowseDialog({ onClose }: { onClose: () => void }) {
  const [search, setSearch] = useState('');
  const rooms = useBrowseRooms(useDeferredValue(search.trim()));
  const [error, setError] = useState<string>();
  const join = useJoinRoom({
    onDone: onClose,
    onError: (e) => setError(friendlyError(e, 'That room no longer exists.')),
  });
  return (
    <Modal title="Browse public rooms" onClose={onClose}>
      <TextField
        label="Search rooms"
        value={search}
        onChange={setSearch}
        type="search"
        autoFocus
        placeholder="Room name"
      />
      <FormError message={error} />
      <ul className="browse-list" aria-busy={rooms.isFetching}>
        {rooms.data?.length === 0 && <li className="muted">No public rooms match.</li>}
        {rooms.data?.map((room) => (
          <li key={room.id}>
            <div>
              <div className="browse-name"># {room.name}</div>
              <div className="muted small">
                {room.memberCount} {room.memberCount === 1 ? 'member' : 'members'}
              </div>
            </div>
            {room.joined ? (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  onClose();
                  openRoom(room.id);
                }}
              >
                Open
              </button>
            ) : (
              <button
                type="button"
                className="btn primary"
                disabled={join.isPending}
                onClick={() => join.mutate({ roomId: room.id })}
                aria-label={`Join ${room.name}`}
              >
                Join
              </button>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function DirectDialog({ onClose }: { onClose: () => void }) {
  const { values, errors, setErrors, field } = useForm({ username: '' });
  const open = useOpenDirect({
    onDone: onClose,
    onError: (e) => setErrors({ username: friendlyError(e, 'Nobody has that username.') }),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = await check(
      (s) => s.roomInputs.openDirect,
      { username: typedUsername(values.username) },
      { username: 'Enter a username.' },
    );
    if (checked.ok) open.mutate(checked.data);
    else setErrors(checked.errors);
  };
  return (
    <Modal title="New direct message" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Their username"
          {...field('username')}
          autoFocus
          autoCapitalize="none"
          spellCheck={false}
          placeholder="ana"
        />
        <FormError message={errors.form} />
        <FormActions>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={open.isPending}>
            Start conversation
          </button>
        </FormActions>
      </form>
    </Modal>
  );
}
