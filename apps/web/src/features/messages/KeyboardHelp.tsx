import { Modal } from '../../ui/Modal';

/** The list's keys and the commands' (messageCommands.ts), as the help lists them. */
const LIST_KEYS: { keys: string; what: string }[] = [
  { keys: 'Tab', what: 'Move into the message list (the last message you were on)' },
  { keys: '↑ ↓', what: 'Previous / next message' },
  { keys: 'Page Up / Page Down', what: 'A screen of messages up / down' },
  { keys: 'Home / End', what: 'First loaded / latest message' },
  { keys: 'Enter or Menu', what: 'Open the message’s actions menu' },
  { keys: 'R', what: 'Reply' },
  { keys: 'T', what: 'Reply in thread (opens the thread beside the room; Esc closes it)' },
  { keys: ':', what: 'Add a reaction' },
  { keys: 'E', what: 'Edit (your messages)' },
  { keys: 'Delete or Backspace', what: 'Delete (asks first)' },
  { keys: 'Q', what: 'Go to the quoted message' },
  { keys: 'Esc', what: 'Back to the composer' },
  { keys: '?', what: 'This help' },
];

/**
 * "Keyboard shortcuts": `?` anywhere outside a text field, or from a message's menu.
 */
export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {LIST_KEYS.map((k) => (
          <div key={k.keys}>
            <dt>
              <kbd>{k.keys}</kbd>
            </dt>
            <dd>{k.what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        In the composer: Enter sends, Shift+Enter adds a line, ↑ in an empty composer edits your
        last message, Esc cancels a reply or an edit; <kbd>@</kbd> offers members and{' '}
        <kbd>:smi</kbd> emoji (↑ ↓, Enter or Tab). Anywhere: Ctrl+K (Cmd+K) or <kbd>/</kbd>{' '}
        searches.
      </p>
    </Modal>
  );
}
