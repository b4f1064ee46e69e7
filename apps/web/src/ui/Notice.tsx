/** A dismissable problem report above the content (a failed edit, a refused leave). */
export function Notice({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div className="notice" role="alert">
      {message}
      <button type="button" className="icon-btn small" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
