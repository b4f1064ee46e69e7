import Picker from 'emoji-picker-element/picker';
import { useEffect, useRef } from 'react';
import { dataSource } from './emojiData';

/**
 * The emoji picker (emoji-picker-element, a web component), loaded on first use: this module
 * is only reached through a dynamic import, so neither it nor its data is in the first download.
 * Calls `onPick` with the chosen emoji; Esc calls `onClose`.
 */
export default function EmojiPicker({
  onPick,
  onClose,
}: {
  onPick: (emoji: string) => void;
  onClose: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onPick, onClose });
  callbacks.current = { onPick, onClose };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    // The same data and locale as shortcode completion: one IndexedDB copy for both.
    const picker = new Picker({ dataSource });
    picker.addEventListener('emoji-click', (e) => {
      if (e.detail.unicode) callbacks.current.onPick(e.detail.unicode);
    });
    // Keys typed in the picker are the picker's: not the page's shortcuts (a printable key
    // outside a text field goes to the composer, and the picker's box is in its shadow root).
    const onKeyDown = (e: KeyboardEvent) => {
      e.stopPropagation();
      if (e.key === 'Escape') callbacks.current.onClose();
    };
    el.addEventListener('keydown', onKeyDown);
    el.append(picker);
    // Into its search box (once rendered), so typing finds an emoji at once.
    let frame = 0;
    const focusSearch = (tries: number) => {
      const search = picker.shadowRoot?.querySelector<HTMLInputElement>('input#search');
      if (search) search.focus();
      else if (tries > 0) frame = requestAnimationFrame(() => focusSearch(tries - 1));
    };
    focusSearch(30);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('keydown', onKeyDown);
      picker.remove();
    };
  }, []);

  return <div ref={host} className="emoji-picker" role="dialog" aria-label="Choose a reaction" />;
}
