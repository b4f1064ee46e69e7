import type { RoomSummary } from '@parley/api-contract';
import type { FormEvent } from 'react';
import { errorMessage, fieldIssues } from '../../lib/errors';
import { check } from '../../lib/validate';
import { FormActions, FormError, TextField, useForm } from '../../ui/form';
import { Modal } from '../../ui/Modal';
import { roomLabel } from '../rooms/labels';
import { useSetArchived, useUpdateRoom } from './roomSettings';

/** A room admin renames the room, sets its topic, or archives it. */
export function RoomSettingsDialog({ room, onClose }: { room: RoomSummary; onClose: () => void }) {
  const { values, errors, setErrors, field } = useForm({ name: room.name, topic: room.topic });
  const onError = (error: unknown) => {
    const issues = fieldIssues(error);
    setErrors({
      name: issues.name,
      topic: issues.topic,
      form: issues.name || issues.topic ? undefined : errorMessage(error),
    });
  };
  const update = useUpdateRoom({ onDone: onClose, onError });
  const archiving = useSetArchived(room.id, { onDone: onClose, onError });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = await check(
      (s) => s.roomInputs.update,
      { roomId: room.id, name: values.name, topic: values.topic },
      { name: 'Enter a name for the room.' },
    );
    if (checked.ok) update.mutate(checked.data);
    else setErrors(checked.errors);
  };
  return (
    <Modal title={`Settings of ${roomLabel(room)}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField label="Name" {...field('name')} autoComplete="off" />
        <TextField
          label="Topic (optional)"
          {...field('topic')}
          autoComplete="off"
          placeholder="What this room is for"
        />
        <FormError message={errors.form} />
        <FormActions>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={update.isPending}>
            Save
          </button>
        </FormActions>
      </form>
      <div className="settings-danger">
        <p className="muted small">
          Archiving makes the room read-only for everyone: no new messages, edits or invites. Its
          history stays, and an admin can unarchive it.
        </p>
        <button
          type="button"
          className="btn danger"
          onClick={archiving.archive}
          disabled={archiving.pending}
        >
          Archive room
        </button>
      </div>
    </Modal>
  );
}
