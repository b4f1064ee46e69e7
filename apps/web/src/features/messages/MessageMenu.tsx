import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { messageCommands, useCommandContext } from './messageCommands';
import type { DisplayMessage } from './rows';

/**
 * The "More actions" button on a message and its menu (the ARIA menu pattern: ↑ ↓ Home End
 * move, Enter runs, Esc or Tab closes and gives the focus back to the button). Every command a
 * message has is here, so none needs a mouse; Enter on a focused message opens it.
 */
export function MessageMenu({ message }: { message: DisplayMessage }) {
  const ctx = useCommandContext();
  const [open, setOpen] = useState(false);
  const [up, setUp] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (open) menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  if (!ctx) return null;
  const commands = messageCommands(message, ctx);
  const items = [...commands, { id: 'help', label: 'Keyboard shortcuts', run: ctx.showHelp }];

  const toggle = () => {
    const button = buttonRef.current;
    const scroller = button?.closest('.message-scroll');
    if (button && scroller) {
      // Near the bottom of the list the menu opens upwards, so the list does not clip it.
      const b = button.getBoundingClientRect();
      const s = scroller.getBoundingClientRect();
      setUp(b.bottom > s.top + s.height / 2);
    }
    setOpen((o) => !o);
  };

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const all = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => all[(i + all.length) % all.length]?.focus();
    // The list's own keys (↑ ↓, R, E…) must not act on the message behind the menu.
    e.stopPropagation();
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(all.length - 1);
    else if (e.key === 'Escape') close(true);
    else if (e.key === 'Tab') {
      setOpen(false);
      return;
    } else return;
    e.preventDefault();
  };

  return (
    <span className="msg-menu">
      <button
        ref={buttonRef}
        type="button"
        className="msg-menu-button"
        // Enter on the focused message opens it; the list stays one Tab stop.
        tabIndex={-1}
        aria-label="More actions"
        title="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={toggle}
      >
        ⋯
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label="Message actions"
          className={`msg-menu-list ${up ? 'up' : ''}`}
          onKeyDown={onMenuKey}
          onBlur={(e) => {
            // To the button itself: its click toggles.
            const to = e.relatedTarget;
            if (!e.currentTarget.contains(to) && to !== buttonRef.current) setOpen(false);
          }}
        >
          {items.map((c) => (
            <button
              key={c.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              aria-keyshortcuts={'keys' in c ? c.keys.join(' ') : '?'}
              onClick={() => {
                // Back on the button first: a command that moves the focus (reply → composer)
                // then takes it from there.
                close(true);
                c.run();
              }}
            >
              {c.label}
              {'keys' in c && c.keys[0] && (
                <span className="menu-key" aria-hidden="true">
                  {keyLabel(c.keys[0])}
                </span>
              )}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}

function keyLabel(key: string): string {
  return key.length === 1 ? key.toUpperCase() : key === 'Delete' ? 'Del' : key;
}
