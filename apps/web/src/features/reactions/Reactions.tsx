import type { MessageView } from '@parley/api-contract';
import {
  type CSSProperties,
  lazy,
  Suspense,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { createPortal } from 'react-dom';
import { canonicalEmoji, whoReacted } from './labels';

// The picker and its emoji data load on first open, never with the chat.
const EmojiPicker = lazy(() => import('./EmojiPicker'));

/**
 * A message's reactions: a chip per emoji (count, pressed when mine; a click toggles mine; the
 * tooltip says who), and "Add reaction", which opens the emoji picker. Whether the picker is
 * open is the caller's (`picking`), so a keyboard command can open it too. Without `onToggle`
 * (an archived room, an unsent message) the chips only show.
 */
export function Reactions({
  reactions,
  onToggle,
  picking = false,
  onPickingChange,
}: {
  reactions: MessageView['reactions'];
  onToggle?: ((emoji: string, add: boolean) => void) | undefined;
  picking?: boolean;
  onPickingChange?: ((open: boolean) => void) | undefined;
}) {
  // Where the picker shows: fixed on the page by the button (a message row is a transformed,
  // clipped box inside the scrolling list), above it when there is room, else below.
  const [place, setPlace] = useState<CSSProperties | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const popRef = useRef<HTMLDivElement>(null);
  const setPicking = useRef(onPickingChange);
  setPicking.current = onPickingChange;

  // Placed by the button when it opens (however it was opened).
  useLayoutEffect(() => {
    const r = picking ? addRef.current?.getBoundingClientRect() : undefined;
    if (!r) {
      setPlace(null);
      return;
    }
    const height = 440;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - 360));
    setPlace(
      r.top > height
        ? { left, bottom: window.innerHeight - r.top + 4 }
        : { left, top: Math.min(r.bottom + 4, window.innerHeight - height) },
    );
  }, [picking]);

  // A click elsewhere closes the picker.
  useEffect(() => {
    if (!picking) return;
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!popRef.current?.contains(target) && !addRef.current?.contains(target)) {
        setPicking.current?.(false);
      }
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [picking]);

  if (reactions.length === 0 && !onToggle) return null;
  // The focus goes back to the message, where its keys work (not to this button: a first
  // reaction moves "Add reaction" from the message's hover actions to under its text).
  const close = () => {
    onPickingChange?.(false);
    addRef.current?.closest<HTMLElement>('article')?.focus();
  };
  return (
    <div className={`reactions ${reactions.length === 0 ? 'none' : ''} ${place ? 'picking' : ''}`}>
      {reactions.map((r) => {
        const who = whoReacted(r);
        return (
          <button
            key={r.emoji}
            type="button"
            className={`reaction-chip ${r.me ? 'mine' : ''}`}
            aria-pressed={r.me}
            aria-label={`${r.emoji} ${r.count}: ${who}`}
            title={who}
            disabled={!onToggle}
            // The message list is one Tab stop; its arrow keys and commands reach these.
            tabIndex={-1}
            onClick={() => onToggle?.(r.emoji, !r.me)}
          >
            <span className="reaction-emoji" aria-hidden="true">
              {r.emoji}
            </span>
            <span className="reaction-count" aria-hidden="true">
              {r.count}
            </span>
          </button>
        );
      })}
      {onToggle && (
        <button
          ref={addRef}
          type="button"
          className="reaction-add"
          aria-label="Add reaction"
          title="Add reaction"
          aria-haspopup="dialog"
          aria-expanded={picking}
          tabIndex={-1}
          onClick={() => onPickingChange?.(!picking)}
        >
          <span aria-hidden="true">☺+</span>
        </button>
      )}
      {place &&
        onToggle &&
        createPortal(
          <div ref={popRef} className="emoji-popover" style={place}>
            <Suspense
              fallback={
                <div className="emoji-picker loading" role="status">
                  Loading emoji…
                </div>
              }
            >
              <EmojiPicker
                onPick={(picked) => {
                  close();
                  const emoji = canonicalEmoji(picked);
                  // Picking one I already have keeps it (a picker adds; the chip toggles).
                  if (!reactions.some((r) => r.emoji === emoji && r.me)) onToggle(emoji, true);
                }}
                onClose={close}
              />
            </Suspense>
          </div>,
          document.body,
        )}
    </div>
  );
}
