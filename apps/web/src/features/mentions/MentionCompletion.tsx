import type { UserRef } from '@parley/api-contract';
import {
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  type SyntheticEvent,
  useId,
  useState,
} from 'react';
import { Avatar } from '../../ui/Avatar';

/** Members offered at once (the rest are reached by typing more of the name). */
const SHOWN = 8;

/** The `@partial` just before the caret, if the caret ends one: where it starts, what it says. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|[^\p{L}\p{N}_@])@([A-Za-z0-9_]{0,32})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query: query.toLowerCase() };
}

/** Members whose username or display name starts with the query (usernames first). */
export function matchMembers(members: readonly UserRef[], query: string, meId: string): UserRef[] {
  const q = query.toLowerCase();
  const byName = members.filter((m) => m.id !== meId && m.username.startsWith(q));
  const byDisplay = members.filter(
    (m) =>
      m.id !== meId &&
      !m.username.startsWith(q) &&
      m.displayName
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.startsWith(q)),
  );
  return [...byName, ...byDisplay].slice(0, SHOWN);
}

/**
 * `@` completion for a textarea: typing `@` (or `@na`) lists the room's members; ↑ ↓ choose,
 * Enter or Tab puts `@username ` in, Esc closes; a click does too. The textarea stays focused
 * throughout and keeps its textbox role (a multi-line field; the combobox role is for one
 * line): `aria-autocomplete="list"`, `aria-controls` the listbox and `aria-activedescendant`
 * its active option, which is how screen readers follow the choice.
 */
export function useMentionCompletion({
  text,
  setText,
  inputRef,
  members,
  meId,
}: {
  text: string;
  setText: (text: string) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  members: readonly UserRef[];
  meId: string;
}) {
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  // Esc closes the list until the query changes.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const found = mentionQuery(text, Math.min(caret, text.length));
  const options = found ? matchMembers(members, found.query, meId) : [];
  const key = found ? `${found.start}:${found.query}` : null;
  const open = found !== null && options.length > 0 && dismissed !== key;
  const current = Math.min(active, options.length - 1);

  const pick = (member: UserRef) => {
    if (!found) return;
    const end = found.start + 1 + found.query.length;
    const inserted = `@${member.username} `;
    setText(text.slice(0, found.start) + inserted + text.slice(end));
    const at = found.start + inserted.length;
    setCaret(at);
    setActive(0);
    requestAnimationFrame(() => {
      const el = inputRef.current;
      el?.focus();
      el?.setSelectionRange(at, at);
    });
  };

  /** Handles the key if the list is open; true when it did (the composer does nothing more). */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    const chosen = options[current];
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + options.length) % options.length);
      return true;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && chosen) {
      e.preventDefault();
      pick(chosen);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(key);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  // Only while open: the composer's other completion (:shortcode:) sets them otherwise.
  const inputProps = {
    ...(open && {
      'aria-autocomplete': 'list' as const,
      'aria-controls': listId,
      'aria-activedescendant': optionId(current),
    }),
    onSelect: (e: SyntheticEvent<HTMLTextAreaElement>) => {
      setCaret(e.currentTarget.selectionStart);
      if (!open) setActive(0);
    },
  };

  const list: ReactNode = (
    <div
      id={listId}
      className="mention-list"
      role="listbox"
      aria-label="People in this room"
      hidden={!open}
    >
      {open &&
        options.map((member, i) => (
          // The textarea keeps the focus; the options are picked by key or by mouse.
          // biome-ignore lint/a11y/useKeyWithClickEvents: keys go through the textarea (activedescendant)
          <div
            key={member.id}
            id={optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={i === current}
            className={i === current ? 'active' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => pick(member)}
          >
            <Avatar user={member} size={20} />
            <span className="mention-name">{member.displayName}</span>
            <span className="muted small">@{member.username}</span>
          </div>
        ))}
    </div>
  );

  return { onKeyDown, inputProps, list, open };
}
