import type { UserRef } from '@parley/api-contract';
import { LIMITS } from '@parley/api-contract/limits';
import { type KeyboardEvent, useEffect, useLayoutEffect, useRef } from 'react';
import { SendIcon } from '../../ui/icons';
import { plainPreview } from '../../ui/markdown';
import { useMentionCompletion } from '../mentions/MentionCompletion';
import { useShortcodeCompletion } from '../reactions/ShortcodeCompletion';
import { useDraftField } from './drafts';
import type { DisplayMessage } from './rows';

/** The composer's textarea, for the "Skip to composer" link. */
export const COMPOSER_ID = 'composer';

export function Composer({
  roomName,
  draftKey,
  replyTo,
  editing,
  onCancelReply,
  onCancelEdit,
  onSend,
  onSaveEdit,
  onEditLast,
  onTyping,
  members,
  meId,
  inputId = COMPOSER_ID,
  label = 'Message',
  placeholder = `Message ${roomName}`,
}: {
  roomName: string;
  /** Where this room's unsent text is kept (drafts.ts). */
  draftKey: string;
  replyTo: DisplayMessage | null;
  editing: DisplayMessage | null;
  onCancelReply: () => void;
  onCancelEdit: () => void;
  onSend: (body: string) => void;
  onSaveEdit: (message: DisplayMessage, body: string) => void;
  /** ↑ in an empty composer: returns false when there is nothing of mine to edit. */
  onEditLast: () => boolean;
  onTyping: () => void;
  /** Offered when I type `@`. */
  members: readonly UserRef[];
  meId: string;
  /** The textarea's id, label and placeholder (a thread's composer has its own). */
  inputId?: string;
  label?: string;
  placeholder?: string;
}) {
  // What I type is kept per room; an edit in progress is not a draft.
  const [draft, setDraft] = useDraftField(draftKey, 'body', editing !== null);
  const savedDraft = useRef('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const shortcodes = useShortcodeCompletion(ref, draft, setDraft);
  const completion = useMentionCompletion({
    text: draft,
    setText: setDraft,
    inputRef: ref,
    members,
    meId,
  });

  // Entering edit mode puts the message in the box; leaving it restores what I was typing.
  // (Before paint, so the box never shows "Editing" with an empty draft.)
  const editingId = editing?.id ?? null;
  const wasEditing = useRef(false);
  useLayoutEffect(() => {
    if (editing) {
      wasEditing.current = true;
      savedDraft.current = draft;
      setDraft(editing.body);
      requestAnimationFrame(() => {
        const el = ref.current;
        el?.focus();
        el?.setSelectionRange(el.value.length, el.value.length);
      });
    } else if (wasEditing.current) {
      // (Only after an edit: on mount this would wipe the room's kept draft.)
      wasEditing.current = false;
      setDraft(savedDraft.current);
      savedDraft.current = '';
    }
  }, [editingId]);

  useEffect(() => {
    if (replyTo) ref.current?.focus();
  }, [replyTo]);

  // Opening a room puts me in its composer, as in a native app; not on touch screens, where
  // that would pop the keyboard up over the conversation.
  useEffect(() => {
    if (!matchMedia('(pointer: coarse)').matches) ref.current?.focus();
  }, []);

  // A printable key pressed with nothing focused (or only a message, tapped or clicked) goes to
  // the composer: focused during keydown, the key's character lands in it.
  useEffect(() => {
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
      const active = document.activeElement;
      if (active?.matches('input, textarea, select, button, a[href], [contenteditable]')) return;
      if (document.querySelector('dialog[open]')) return;
      // With a thread open beside the room, the key goes to the composer of the side that has
      // the focus (the room's when nothing does).
      const scope = (el: Element | null | undefined) =>
        el?.closest('[data-composer-scope]') ?? null;
      if (scope(active) !== scope(ref.current)) return;
      ref.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  // Grow with the text, up to a limit.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [draft]);

  const tooLong = draft.length > LIMITS.bodyMax;

  const submit = () => {
    const body = draft.trim();
    if (!body || tooLong) return;
    if (editing) {
      if (body !== editing.body) onSaveEdit(editing, body);
      else onCancelEdit();
      return;
    }
    onSend(body);
    setDraft('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (completion.onKeyDown(e) || shortcodes.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      if (editing) {
        e.preventDefault();
        onCancelEdit();
      } else if (replyTo) {
        e.preventDefault();
        onCancelReply();
      }
    } else if (e.key === 'ArrowUp' && draft === '' && !editing) {
      if (onEditLast()) e.preventDefault();
    }
  };

  return (
    <div className="composer">
      {(editing || replyTo) && (
        <div className="composer-context">
          {editing ? (
            <span>
              <strong>Editing message</strong>
              <span className="muted"> · Enter to save, Esc to cancel</span>
            </span>
          ) : replyTo ? (
            <span className="composer-reply">
              Replying to <strong>{replyTo.author.displayName}</strong>
              <span className="muted"> {plainPreview(replyTo.body, 80)}</span>
            </span>
          ) : null}
          <button
            type="button"
            className="icon-btn small"
            aria-label={editing ? 'Cancel editing' : 'Cancel reply'}
            onClick={editing ? onCancelEdit : onCancelReply}
          >
            ×
          </button>
        </div>
      )}
      {shortcodes.menu}
      <form
        className="composer-row"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <textarea
          ref={ref}
          id={inputId}
          aria-label={label}
          {...shortcodes.inputProps}
          placeholder={placeholder}
          rows={1}
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            if (e.target.value.trim() && !editing) onTyping();
          }}
          onKeyDown={onKeyDown}
          aria-invalid={tooLong || undefined}
          enterKeyHint="send"
          {...completion.inputProps}
        />
        {completion.list}
        <button
          type="submit"
          className="send-btn"
          aria-label={editing ? 'Save edit' : 'Send'}
          disabled={!draft.trim() || tooLong}
        >
          {editing ? 'Save' : <SendIcon />}
        </button>
      </form>
      {tooLong && (
        <p className="field-error small" role="alert">
          That is {draft.length - LIMITS.bodyMax} characters over the {LIMITS.bodyMax} limit.
        </p>
      )}
    </div>
  );
}
