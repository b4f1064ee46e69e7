import { LIMITS, USERNAME_PATTERN } from '@parley/api-contract/limits';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useDeferredValue, useId, useState } from 'react';
import { Modal } from './Modal';
import { openRoom } from './route';
import { errorCode, errorMessage, useTRPC } from './trpc';

function TextField({
  label,
  value,
  onChange,
  error,
  ...rest
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

function usernameProblem(raw: string): string | undefined {
  const u = raw.trim().toLowerCase().replace(/^@/, '');
  if (!u) return 'Enter a username.';
  if (!USERNAME_PATTERN.test(u)) return 'Usernames are letters, digits and _ only.';
  return undefined;
}

function friendly(error: unknown, notFound: string): string {
  const code = errorCode(error);
  if (code === 'NOT_FOUND') return notFound;
  if (code === 'TOO_MANY_REQUESTS') return 'You are going a little fast. Try again in a moment.';
  return errorMessage(error);
}

/** After a room is created, joined or opened: refresh the sidebar, go there, close the dialog. */
function useGoToRoom(onClose: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async (roomId: string) => {
    await queryClient.invalidateQueries(trpc.rooms.list.queryFilter());
    openRoom(roomId);
    onClose();
  };
}

export function CreateRoomDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const goToRoom = useGoToRoom(onClose);
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [error, setError] = useState<string>();
  const create = useMutation(
    trpc.rooms.create.mutationOptions({
      onSuccess: (room) => goToRoom(room.id),
      onError: (e) => setError(friendly(e, 'Could not create the room.')),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setError('Give the room a name.');
    if (trimmed.length > LIMITS.roomNameMax) {
      return setError(`Use at most ${LIMITS.roomNameMax} characters.`);
    }
    create.mutate({ name: trimmed, visibility });
  };
  return (
    <Modal title="Create a room" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Room name"
          value={name}
          onChange={(v) => {
            setName(v);
            setError(undefined);
          }}
          error={error}
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
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={create.isPending}>
            Create room
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function BrowseDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const goToRoom = useGoToRoom(onClose);
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const rooms = useQuery(
    trpc.rooms.browse.queryOptions(deferred ? { search: deferred } : {}, { staleTime: 5_000 }),
  );
  const [error, setError] = useState<string>();
  const join = useMutation(
    trpc.rooms.join.mutationOptions({
      onSuccess: (_data, { roomId }) => goToRoom(roomId),
      onError: (e) => setError(friendly(e, 'That room no longer exists.')),
    }),
  );
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
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
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
                  openRoom(room.id);
                  onClose();
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

export function DirectDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const goToRoom = useGoToRoom(onClose);
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string>();
  const open = useMutation(
    trpc.rooms.openDirect.mutationOptions({
      onSuccess: (room) => goToRoom(room.id),
      onError: (e) => setError(friendly(e, 'Nobody has that username.')),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = usernameProblem(username);
    if (problem) return setError(problem);
    open.mutate({ username: username.trim().toLowerCase().replace(/^@/, '') });
  };
  return (
    <Modal title="New direct message" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Their username"
          value={username}
          onChange={(v) => {
            setUsername(v);
            setError(undefined);
          }}
          error={error}
          autoFocus
          autoCapitalize="none"
          spellCheck={false}
          placeholder="ana"
        />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={open.isPending}>
            Start conversation
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function InviteDialog({
  roomId,
  roomName,
  onClose,
}: {
  roomId: string;
  roomName: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const invite = useMutation(
    trpc.rooms.invite.mutationOptions({
      onSuccess: async (_d, { username: invited }) => {
        setDone(`@${invited} can now see #${roomName}.`);
        setUsername('');
        await queryClient.invalidateQueries(trpc.rooms.members.queryFilter({ roomId }));
        await queryClient.invalidateQueries(trpc.rooms.list.queryFilter());
      },
      onError: (e) => setError(friendly(e, 'Nobody has that username.')),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(undefined);
    const problem = usernameProblem(username);
    if (problem) return setError(problem);
    invite.mutate({ roomId, username: username.trim().toLowerCase().replace(/^@/, '') });
  };
  return (
    <Modal title={`Invite to #${roomName}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Username to invite"
          value={username}
          onChange={(v) => {
            setUsername(v);
            setError(undefined);
          }}
          error={error}
          autoFocus
          autoCapitalize="none"
          spellCheck={false}
        />
        {done && (
          <p className="form-ok" role="status">
            {done}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Done
          </button>
          <button type="submit" className="btn primary" disabled={invite.isPending}>
            Invite
          </button>
        </div>
      </form>
    </Modal>
  );
}
