import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type KeyboardEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { COMPOSER_ID } from './Composer';
import { KeyboardHelp } from './KeyboardHelp';
import { type MessageActions, MessageRow } from './MessageRow';
import { type CommandContext, MessageCommandsContext, messageCommands } from './messageCommands';
import type { DisplayMessage, Row } from './rows';

const BOTTOM_SLACK = 48;
const LOAD_OLDER_AT = 400;
/** Where a message landed on (first unread, a jump's target) puts its text: below the divider. */
const LANDING_TOP = 72;
/** Opening a room or jumping loads at most this many older pages to reach the message. */
const MAX_SEEK_PAGES = 10;

/** A message to bring on screen: the first unread (once loaded), or a loaded one a quote points at. */
type Seek = { kind: 'unread'; after: number } | { kind: 'jump'; id: string; position: number };

export function MessageList({
  rows,
  roomName,
  beginning,
  meId,
  canModerate,
  readOnly = false,
  historyFailed = false,
  hasOlder,
  loadingOlder,
  loadOlder,
  target = null,
  hasNewer = false,
  loadingNewer = false,
  loadNewer,
  onJumpToLatest,
  onOpenMessage,
  scrollToBottomSignal,
  actions,
  unreadAfter,
}: {
  rows: Row[];
  roomName: string;
  /** The line atop the complete history ("This is the beginning of #general."). */
  beginning: string;
  meId: string;
  canModerate: boolean;
  /** An archived room: messages have no actions. */
  readOnly?: boolean;
  /** The history could not be loaded: only my unsent messages are here, not the start. */
  historyFailed?: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  /**
   * A message to open the list at (its id): scrolled into view and briefly highlighted. The
   * list is then a window around it that pages newer with `loadNewer` until `hasNewer` is false.
   * (Mounted again for another target.)
   */
  target?: string | null;
  hasNewer?: boolean;
  loadingNewer?: boolean;
  loadNewer?: () => void;
  /** Leave the window for the room's latest messages. */
  onJumpToLatest?: () => void;
  /** Open the room at a message that is not loaded (a quote of an old one). */
  onOpenMessage?: (messageId: string) => void;
  /** Changes whenever I send: jump to the bottom. */
  scrollToBottomSignal: number;
  actions: MessageActions;
  /** The read position when the room opened, when it had unread messages: land on them. */
  unreadAfter: number | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(target === null);
  /** The message I am reading: its row key and where its text sits below the top edge. */
  const anchor = useRef<{ key: string; textTop: number } | null>(null);
  /** The scrollTop this component last set, so its own scroll events are not read as mine. */
  const ownScroll = useRef<number | null>(null);
  const [unseen, setUnseen] = useState(0);
  const [viewport, setViewport] = useState(0);
  /** Scrolled away from the bottom: "Jump to latest" shows. */
  const [away, setAway] = useState(false);
  /** The list's one Tab stop (roving tabindex): the message last focused. */
  const [activeKey, setActiveKey] = useState<string | null>(null);
  /** A message to focus once it is rendered (moving by key can scroll it in first). */
  const focusWanted = useRef<string | null>(null);
  const [deleting, setDeleting] = useState<DisplayMessage | null>(null);
  const [help, setHelp] = useState(false);
  // (Opened at a target message, the list lands there instead.)
  const [seek, setSeek] = useState<Seek | null>(() =>
    unreadAfter === null || target !== null ? null : { kind: 'unread', after: unreadAfter },
  );
  const seekPages = useRef(0);
  /** Where "New messages" goes: fixed once the room has opened on it. */
  const [unreadKey, setUnreadKey] = useState<string | null>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => {
      const row = rows[i];
      if (!row || row.kind === 'day') return 44;
      return row.grouped ? 26 : 62;
    },
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 10,
  });
  // This list keeps its place itself, from what is on screen (holdAnchor below): the
  // virtualizer's own size-change compensation would move it a second time, and skips rows
  // re-measured while scrolling up.
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = () => false;
  const total = virtualizer.getTotalSize();
  // Few messages sit at the bottom, like every chat.
  const topPad = Math.max(0, viewport - total);

  const setScrollTop = useCallback((el: HTMLElement, top: number) => {
    el.scrollTop = top;
    ownScroll.current = el.scrollTop;
  }, []);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      setViewport(el.clientHeight);
      if (pinned.current) setScrollTop(el, el.scrollHeight);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [setScrollTop]);

  /** Where a row's text is, relative to the top of the view (null when it is not rendered). */
  const textTop = (el: HTMLElement, key: string): number | null => {
    const body = el.querySelector(`.row[data-key="${CSS.escape(key)}"] .body`);
    return body ? body.getBoundingClientRect().top - el.getBoundingClientRect().top : null;
  };

  // The text being read, not the row's top edge: a row's author header comes and goes as
  // the message before it loads (grouping), and day labels carry no text worth holding.
  const captureAnchor = () => {
    const el = scrollRef.current;
    if (!el) return;
    const viewTop = el.getBoundingClientRect().top;
    for (const row of el.querySelectorAll<HTMLElement>('.row[data-key]')) {
      const body = row.querySelector('.body');
      const rect = body?.getBoundingClientRect();
      if (rect && rect.bottom > viewTop && row.dataset.key) {
        anchor.current = { key: row.dataset.key, textTop: rect.top - viewTop };
        return;
      }
    }
    anchor.current = null;
  };

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    // A window that has not reached the latest message has no bottom to follow.
    pinned.current = fromBottom < BOTTOM_SLACK && !hasNewer;
    setAway(!pinned.current);
    if (pinned.current && unseen) setUnseen(0);
    const mine = ownScroll.current !== null && Math.abs(el.scrollTop - ownScroll.current) < 1;
    ownScroll.current = null;
    if (!mine) captureAnchor();
    if (el.scrollTop < LOAD_OLDER_AT && hasOlder && !loadingOlder) loadOlder();
    if (fromBottom < LOAD_OLDER_AT && hasNewer && !loadingNewer) loadNewer?.();
  };

  /** Puts the text I was reading back where it was, after anything above it changed. */
  const holdAnchor = () => {
    const el = scrollRef.current;
    const held = anchor.current;
    if (!el || !held || pinned.current) return;
    const now = textTop(el, held.key);
    if (now !== null) {
      if (Math.abs(now - held.textTop) >= 1) setScrollTop(el, el.scrollTop + now - held.textTop);
      return;
    }
    // Not rendered (a page landed above it): go to where the virtualizer puts it; the render
    // that follows brings it on screen and the branch above settles the last pixels.
    const index = rows.findIndex((r) => r.key === held.key);
    const item = index >= 0 ? virtualizer.measurementsCache[index] : undefined;
    if (item) setScrollTop(el, item.start + topPad - held.textTop);
  };

  // Rows changed: follow the bottom when pinned, count what arrived while reading history.
  // (A newer page of a window is not news: only rows after the latest count.)
  const prev = useRef<{ last?: string | undefined; atLatest?: boolean }>({});
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const lastRow = rows.at(-1);
    const last = lastRow?.key;
    const before = prev.current;
    prev.current = { last, atLatest: !hasNewer };
    if (pinned.current) {
      setScrollTop(el, el.scrollHeight);
      return;
    }
    if (
      before.last !== undefined &&
      before.atLatest &&
      last !== before.last &&
      lastRow?.kind === 'message'
    ) {
      if (lastRow.message.author.id !== meId) setUnseen((n) => n + 1);
    }
  }, [rows, meId, hasNewer, setScrollTop]);

  // Opened at a message: hold it a third of the way down the view (holdAnchor brings it there
  // and keeps it as rows are measured), and highlight it for a moment.
  const [highlight, setHighlight] = useState<string | null>(null);
  const jumped = useRef(false);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !target || jumped.current) return;
    const row = rows.find((r) => r.kind === 'message' && r.message.id === target);
    if (!row) return;
    jumped.current = true;
    anchor.current = { key: row.key, textTop: Math.round(el.clientHeight / 3) };
    setHighlight(row.key);
  }, [rows, target]);
  useEffect(() => {
    if (!highlight) return;
    const timer = setTimeout(() => setHighlight(null), 2500);
    return () => clearTimeout(timer);
  }, [highlight]);

  // After every render (a page prepended, rows measured, a header gone) hold the text I am
  // reading in place.
  useLayoutEffect(holdAnchor);

  // Sizes settle after measuring: stay at the bottom while pinned.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && pinned.current) setScrollTop(el, el.scrollHeight);
  }, [total, viewport, setScrollTop]);

  // I sent something: go to the bottom.
  useLayoutEffect(() => {
    if (scrollToBottomSignal === 0) return;
    pinned.current = true;
    setUnseen(0);
    const el = scrollRef.current;
    if (el) setScrollTop(el, el.scrollHeight);
  }, [scrollToBottomSignal, setScrollTop]);

  // Not enough history to scroll: fetch more until there is (or there is no more).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || el.scrollHeight > el.clientHeight + LOAD_OLDER_AT) return;
    if (hasOlder && !loadingOlder) loadOlder();
    else if (hasNewer && !loadingNewer) loadNewer?.();
  }, [hasOlder, loadingOlder, loadOlder, hasNewer, loadingNewer, loadNewer]);

  const jumpToBottom = () => {
    pinned.current = true;
    setUnseen(0);
    setAway(false);
    const el = scrollRef.current;
    if (el) el.scrollTo({ top: el.scrollHeight });
  };

  // Bringing a message on screen: older pages first until it is loaded (or there are no more,
  // or enough were loaded), then it is held below the top edge like the text being read.
  const oldestPosition = useMemo(() => {
    for (const r of rows)
      if (r.kind === 'message' && r.message.position !== null) {
        return r.message.position;
      }
    return null;
  }, [rows]);
  useLayoutEffect(() => {
    if (!seek) return;
    const target = seek.kind === 'unread' ? seek.after + 1 : seek.position;
    const covered = oldestPosition !== null && oldestPosition <= target;
    if (!covered && hasOlder && seekPages.current < MAX_SEEK_PAGES) {
      if (!loadingOlder) {
        seekPages.current++;
        loadOlder();
      }
      return;
    }
    if (loadingOlder) return;
    seekPages.current = 0;
    setSeek(null);
    const index = rows.findIndex((r) =>
      seek.kind === 'unread'
        ? r.kind === 'message' &&
          r.message.position !== null &&
          r.message.position > seek.after &&
          r.message.author.id !== meId
        : r.kind === 'message' && r.message.id === seek.id,
    );
    const row = rows[index];
    if (!row) return;
    if (seek.kind === 'unread') setUnreadKey(row.key);
    else {
      setHighlight(row.key);
      setActiveKey(row.key);
      focusWanted.current = row.key;
    }
    pinned.current = false;
    setAway(true);
    anchor.current = { key: row.key, textTop: LANDING_TOP };
    holdAnchor();
  });

  // A loaded message is scrolled to here; one that is not opens the room at it (a window
  // loaded around it, route.ts openMessage), which remounts this list there.
  const jumpTo = useCallback(
    (id: string) => {
      const loaded = rows.find((r) => r.kind === 'message' && r.message.id === id);
      if (loaded?.kind === 'message' && loaded.message.position !== null) {
        setSeek({ kind: 'jump', id, position: loaded.message.position });
      } else onOpenMessage?.(id);
    },
    [rows, onOpenMessage],
  );

  // The message last focused is the list's Tab stop; until one is, the latest.
  const messageIndexes = useMemo(
    () => rows.flatMap((r, i) => (r.kind === 'message' ? [i] : [])),
    [rows],
  );
  const lastMessageKey = rows[messageIndexes.at(-1) ?? -1]?.key ?? null;
  const tabStop = activeKey && rows.some((r) => r.key === activeKey) ? activeKey : lastMessageKey;

  const articleOf = (key: string) =>
    scrollRef.current?.querySelector<HTMLElement>(
      `.row[data-key="${CSS.escape(key)}"] article.msg`,
    ) ?? null;

  // Focus what a key moved to once it is rendered; the browser scrolls no more than needed.
  useLayoutEffect(() => {
    const key = focusWanted.current;
    if (!key) return;
    const el = articleOf(key);
    if (!el) return;
    focusWanted.current = null;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest' });
  });

  const moveTo = (index: number) => {
    const at = Math.max(0, Math.min(messageIndexes.length - 1, index));
    const rowIndex = messageIndexes[at];
    const row = rowIndex === undefined ? undefined : rows[rowIndex];
    if (rowIndex === undefined || !row) return;
    setActiveKey(row.key);
    focusWanted.current = row.key;
    if (articleOf(row.key)) {
      const el = articleOf(row.key);
      el?.focus({ preventScroll: true });
      el?.scrollIntoView({ block: 'nearest' });
      focusWanted.current = null;
    } else {
      virtualizer.scrollToIndex(rowIndex, { align: 'auto' });
    }
  };

  const context: CommandContext = useMemo(
    () => ({
      actions,
      meId,
      canModerate,
      requestDelete: setDeleting,
      jumpTo,
      showHelp: () => setHelp(true),
    }),
    [actions, meId, canModerate, jumpTo],
  );

  /** Keys on a focused message: moving between messages and every action of its menu. */
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (!target.matches('article.msg') || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = target.closest<HTMLElement>('.row')?.dataset.key;
    const rowIndex = rows.findIndex((r) => r.key === key);
    const row = rows[rowIndex];
    if (row?.kind !== 'message') return;
    const at = messageIndexes.indexOf(rowIndex);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / 60));
    const k = e.key;
    if (k === 'ArrowUp') {
      if (at === 0 && hasOlder && !loadingOlder) loadOlder();
      moveTo(at - 1);
    } else if (k === 'ArrowDown') moveTo(at + 1);
    else if (k === 'PageUp') moveTo(at - page);
    else if (k === 'PageDown') moveTo(at + page);
    else if (k === 'Home') moveTo(0);
    else if (k === 'End') moveTo(messageIndexes.length - 1);
    else if (k === 'Escape') document.getElementById(COMPOSER_ID)?.focus();
    else if (k === '?') setHelp(true);
    else if (k === 'Enter' || k === 'ContextMenu' || (k === 'F10' && e.shiftKey)) {
      if (readOnly) return;
      target.querySelector<HTMLButtonElement>('.msg-menu-button')?.click();
    } else {
      if (readOnly) return;
      const command = messageCommands(row.message, context).find((c) =>
        c.keys.some((ck) => ck.toLowerCase() === k.toLowerCase()),
      );
      if (!command) return;
      command.run();
    }
    e.preventDefault();
  };

  // `?` outside a text field opens the help (before the composer's catch-all takes the key).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '?' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const active = document.activeElement;
      if (active?.matches('input, textarea, select, [contenteditable]')) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setHelp(true);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  return (
    <MessageCommandsContext.Provider value={context}>
      <div className="message-area">
        <div
          ref={scrollRef}
          className="message-scroll"
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-busy={loadingOlder}
          data-history={hasOlder ? 'partial' : 'complete'}
          aria-label={`Conversation in ${roomName}`}
          onScroll={onScroll}
          onKeyDown={onKeyDown}
          onFocus={(e) => {
            const key = (e.target as HTMLElement).matches('article.msg')
              ? (e.target as HTMLElement).closest<HTMLElement>('.row')?.dataset.key
              : undefined;
            if (key) setActiveKey(key);
          }}
        >
          <div style={{ height: topPad }} aria-hidden="true" />
          <div style={{ height: total, position: 'relative', width: '100%' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const row = rows[v.index];
              if (!row) return null;
              return (
                <div
                  key={v.key}
                  data-index={v.index}
                  data-key={v.key}
                  ref={virtualizer.measureElement}
                  className={v.key === highlight ? 'row jump-target' : 'row'}
                  style={{ transform: `translateY(${v.start}px)` }}
                >
                  {v.index === 0 && !historyFailed && (
                    <div className="history-top">
                      {hasOlder ? (
                        <span className="muted small">
                          {loadingOlder ? 'Loading earlier messages…' : ''}
                        </span>
                      ) : (
                        <span className="muted small">{beginning}</span>
                      )}
                    </div>
                  )}
                  {row.key === unreadKey && (
                    <div className="unread-divider">
                      <span>New messages</span>
                    </div>
                  )}
                  {row.kind === 'day' ? (
                    <div className="day-sep">
                      <span>{row.label}</span>
                    </div>
                  ) : (
                    <MessageRow
                      message={row.message}
                      grouped={row.grouped}
                      mine={row.message.author.id === meId}
                      canModerate={canModerate}
                      readOnly={readOnly}
                      actions={actions}
                      tabStop={row.key === tabStop}
                    />
                  )}
                </div>
              );
            })}
          </div>
          {rows.length === 0 && !hasOlder && !historyFailed && (
            <p className="empty-room muted">
              {readOnly ? 'No messages were sent here.' : 'No messages yet. Say hello!'}
            </p>
          )}
        </div>
        {hasNewer ? (
          <button type="button" className="new-messages" onClick={onJumpToLatest}>
            {loadingNewer ? 'Loading newer messages…' : 'Jump to latest'} ↓
          </button>
        ) : (
          (unseen > 0 || away) && (
            <button type="button" className="new-messages" onClick={jumpToBottom}>
              {unseen === 0
                ? 'Jump to latest'
                : unseen === 1
                  ? '1 new message'
                  : `${unseen} new messages`}{' '}
              ↓
            </button>
          )
        )}
        {deleting && (
          <ConfirmDialog
            title="Delete this message?"
            confirmLabel="Delete"
            busy={false}
            onConfirm={() => {
              actions.onDelete(deleting);
              setDeleting(null);
            }}
            onClose={() => setDeleting(null)}
          >
            <p>It is removed for everyone in the room.</p>
          </ConfirmDialog>
        )}
        {help && <KeyboardHelp onClose={() => setHelp(false)} />}
      </div>
    </MessageCommandsContext.Provider>
  );
}
