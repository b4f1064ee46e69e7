import { type KeyboardEvent, type RefObject, useCallback, useEffect, useId, useState } from 'react';
import type { EmojiMatch } from './emojiData';

/** `:smi` right before the caret (at the start or after a space): the shortcode being typed. */
const TYPING_SHORTCODE = /(?:^|\s):([a-z0-9_+-]{2,30})$/i;

interface Offer {
  /** Where `:query` sits in the text, to be replaced by the emoji. */
  start: number;
  end: number;
  matches: EmojiMatch[];
}

/**
 * `:shortcode:` completion for a text box: typing `:smi` offers matching emoji (↑ ↓ move,
 * Enter or Tab inserts, Esc dismisses). The emoji data loads on the first `:xx`, not before.
 * The box keeps its own state: `setText` is how a choice goes in.
 */
export function useShortcodeCompletion(
  ref: RefObject<HTMLTextAreaElement | null>,
  text: string,
  setText: (text: string) => void,
) {
  const [offer, setOffer] = useState<Offer | null>(null);
  const [active, setActive] = useState(0);
  // The `:query` (by where it ends) that Esc dismissed: not offered again until it changes.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const listId = useId();

  useEffect(() => {
    const caret = ref.current?.selectionStart ?? text.length;
    const typed = TYPING_SHORTCODE.exec(text.slice(0, caret));
    const query = typed?.[1];
    if (!query || dismissed === `${caret}:${query}`) {
      setOffer(null);
      return;
    }
    let stale = false;
    import('./emojiData')
      .then(({ emojiForShortcode }) => emojiForShortcode(query))
      .then((matches) => {
        if (stale) return;
        setOffer(matches.length ? { start: caret - query.length - 1, end: caret, matches } : null);
        setActive(0);
      })
      // No emoji data (offline on first use): no offer, the text stays as typed.
      .catch(() => !stale && setOffer(null));
    return () => {
      stale = true;
    };
  }, [text, dismissed, ref]);

  const choose = useCallback(
    (match: EmojiMatch) => {
      if (!offer) return;
      const next = text.slice(0, offer.start) + match.emoji + text.slice(offer.end);
      const caret = offer.start + match.emoji.length;
      setOffer(null);
      setText(next);
      requestAnimationFrame(() => {
        ref.current?.focus();
        ref.current?.setSelectionRange(caret, caret);
      });
    },
    [offer, text, setText, ref],
  );

  /** The box's keydown goes here first: true when completion used the key. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!offer || e.nativeEvent.isComposing) return false;
    const n = offer.matches.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      const match = offer.matches[active];
      if (match) choose(match);
    } else if (e.key === 'Escape') {
      const query = text.slice(offer.start + 1, offer.end);
      setDismissed(`${offer.end}:${query}`);
      setOffer(null);
    } else return false;
    e.preventDefault();
    return true;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  /**
   * For the text box: it controls the list and points at the active option. (It stays a
   * textbox, the composer's role, rather than becoming a combobox for every message.)
   */
  const inputProps = {
    'aria-autocomplete': 'list',
    'aria-controls': offer ? listId : undefined,
    'aria-activedescendant': offer ? optionId(active) : undefined,
  } as const;

  const menu = offer && (
    <div id={listId} className="completion" role="listbox" aria-label="Emoji">
      {offer.matches.map((m, i) => (
        <div
          key={m.emoji}
          id={optionId(i)}
          role="option"
          // The focus stays in the text box (aria-activedescendant points here).
          tabIndex={-1}
          aria-selected={i === active}
          className={i === active ? 'active' : undefined}
          // Chosen on mousedown, before the box would lose its focus.
          onMouseDown={(e) => {
            e.preventDefault();
            choose(m);
          }}
        >
          <span className="completion-emoji" aria-hidden="true">
            {m.emoji}
          </span>
          <span>:{m.shortcode}:</span>
        </div>
      ))}
    </div>
  );

  return { onKeyDown, inputProps, menu };
}
