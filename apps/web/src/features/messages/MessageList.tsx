import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Avatar } from '../../ui/Avatar';
import { Markdown, plainPreview } from '../../ui/markdown';
import type { DisplayMessage, Row } from './rows';

export interface MessageActions {
  onReply: (m: DisplayMessage) => void;
  onEdit: (m: DisplayMessage) => void;
  onDelete: (m: DisplayMessage) => void;
  onRetry: (m: DisplayMessage) => void;
  onDiscard: (m: DisplayMessage) => void;
}

const BOTTOM_SLACK = 48;
const LOAD_OLDER_AT = 400;

export function MessageList({
  rows,
  roomName,
  meId,
  canModerate,
  hasOlder,
  loadingOlder,
  loadOlder,
  scrollToBottomSignal,
  actions,
}: {
  rows: Row[];
  roomName: string;
  meId: string;
  canModerate: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  /** Changes whenever I send: jump to the bottom. */
  scrollToBottomSignal: number;
  actions: MessageActions;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  /** The message I am reading: its row key and where its text sits below the top edge. */
  const anchor = useRef<{ key: string; textTop: number } | null>(null);
  /** The scrollTop this component last set, so its own scroll events are not read as mine. */
  const ownScroll = useRef<number | null>(null);
  const [unseen, setUnseen] = useState(0);
  const [viewport, setViewport] = useState(0);

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
    pinned.current = fromBottom < BOTTOM_SLACK;
    if (pinned.current && unseen) setUnseen(0);
    const mine = ownScroll.current !== null && Math.abs(el.scrollTop - ownScroll.current) < 1;
    ownScroll.current = null;
    if (!mine) captureAnchor();
    if (el.scrollTop < LOAD_OLDER_AT && hasOlder && !loadingOlder) loadOlder();
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
  const prev = useRef<{ last?: string | undefined }>({});
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const lastRow = rows.at(-1);
    const last = lastRow?.key;
    const before = prev.current;
    prev.current = { last };
    if (pinned.current) {
      setScrollTop(el, el.scrollHeight);
      return;
    }
    if (before.last !== undefined && last !== before.last && lastRow?.kind === 'message') {
      if (lastRow.message.author.id !== meId) setUnseen((n) => n + 1);
    }
  }, [rows, meId, setScrollTop]);

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
    if (el && hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight + LOAD_OLDER_AT) {
      loadOlder();
    }
  }, [hasOlder, loadingOlder, loadOlder]);

  const jumpToBottom = () => {
    pinned.current = true;
    setUnseen(0);
    const el = scrollRef.current;
    if (el) el.scrollTo({ top: el.scrollHeight });
  };

  return (
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
                className="row"
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {v.index === 0 && (
                  <div className="history-top">
                    {hasOlder ? (
                      <span className="muted small">
                        {loadingOlder ? 'Loading earlier messages…' : ''}
                      </span>
                    ) : (
                      <span className="muted small">This is the beginning of {roomName}.</span>
                    )}
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
                    actions={actions}
                  />
                )}
              </div>
            );
          })}
        </div>
        {rows.length === 0 && !hasOlder && (
          <p className="empty-room muted">No messages yet. Say hello!</p>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className="new-messages" onClick={jumpToBottom}>
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
    </div>
  );
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

const MessageRow = memo(function MessageRow({
  message: m,
  grouped,
  mine,
  canModerate,
  actions,
}: {
  message: DisplayMessage;
  grouped: boolean;
  mine: boolean;
  canModerate: boolean;
  actions: MessageActions;
}) {
  const deleted = m.deletedAt !== null;
  const sent = m.status === 'sent';
  const [confirming, setConfirming] = useState(false);
  return (
    <article
      className={`msg ${grouped ? 'grouped' : ''} ${m.status} ${mine ? 'mine' : ''}`}
      data-message-id={m.id ?? undefined}
      data-client-id={m.clientId}
      aria-label={`${m.author.displayName} at ${time(m.createdAt)}`}
    >
      <div className="msg-gutter">
        {grouped ? (
          <time className="hover-time" dateTime={m.createdAt}>
            {time(m.createdAt)}
          </time>
        ) : (
          <Avatar user={m.author} size={36} />
        )}
      </div>
      <div className="msg-main">
        {!grouped && (
          <div className="msg-head">
            <span className="author">{m.author.displayName}</span>
            <time dateTime={m.createdAt} title={new Date(m.createdAt).toLocaleString()}>
              {time(m.createdAt)}
            </time>
          </div>
        )}
        {m.replyTo && (
          <div className="reply-quote">
            <span className="reply-arrow" aria-hidden="true">
              ↪
            </span>
            <span className="sr-only">Replying to </span>
            <strong>{m.replyTo.author.displayName}</strong>
            <span className="reply-text">
              {m.replyTo.deleted ? 'Message deleted' : plainPreview(m.replyTo.body, 90)}
            </span>
          </div>
        )}
        {deleted ? (
          <p className="body deleted">This message was deleted.</p>
        ) : (
          <div className="body">
            <Markdown text={m.body} />
            {m.editedAt && <span className="edited"> (edited)</span>}
          </div>
        )}
        {m.status === 'sending' && <span className="sending small muted">Sending…</span>}
        {m.status === 'failed' && (
          <div className="failed-bar" role="alert">
            <span>{m.error ?? 'Not sent.'}</span>
            <button type="button" className="link" onClick={() => actions.onRetry(m)}>
              Retry
            </button>
            <button type="button" className="link muted" onClick={() => actions.onDiscard(m)}>
              Discard
            </button>
          </div>
        )}
      </div>
      {sent && !deleted && (
        <div className="msg-actions">
          <button type="button" onClick={() => actions.onReply(m)} aria-label="Reply">
            Reply
          </button>
          {mine && (
            <button type="button" onClick={() => actions.onEdit(m)} aria-label="Edit">
              Edit
            </button>
          )}
          {(mine || canModerate) &&
            (confirming ? (
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirming(false);
                  actions.onDelete(m);
                }}
                onBlur={() => setConfirming(false)}
                // biome-ignore lint/a11y/noAutofocus: the confirmation takes the focus it replaces
                autoFocus
              >
                Confirm delete
              </button>
            ) : (
              <button type="button" onClick={() => setConfirming(true)} aria-label="Delete">
                Delete
              </button>
            ))}
        </div>
      )}
    </article>
  );
});
