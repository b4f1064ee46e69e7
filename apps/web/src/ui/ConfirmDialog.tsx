import type { ReactNode } from 'react';
import { FormActions, FormError } from './form';
import { Modal } from './Modal';

/**
 * "Are you sure?" before something that cannot be taken back. The focus starts on Cancel, so
 * Enter alone never confirms.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error?: string | undefined;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      <div className="confirm-text">{children}</div>
      <FormError message={error} />
      <FormActions>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </FormActions>
    </Modal>
  );
}
