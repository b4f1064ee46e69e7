import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Avatar } from './Avatar';
import { Markdown, plainPreview } from './markdown';
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
  const anchor = useRef<{ key: string; offset: number } | null>(null);
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
  const total = virtualizer.getTotalSize();
  // Few messages sit at the bottom, like every chat.
  const topPad = Math.max(0, viewport - total);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      setViewport(el.clientHeight);
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const captureAnchor = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    // The first message (not a day label: those stay put when older messages of the same
    // day arrive) that reaches into the viewport.
    const top = el.scrollTop - topPad;
    const items = virtualizer.measurementsCache;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((items[mid]?.end ?? 0) > top) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < items.length; i++) {
      const item = items[i];
      if (item && rows[i]?.kind === 'message') {
        anchor.current = { key: String(item.key), offset: item.start - top };
        return;
      }
    }
    anchor.current = null;
  }, [virtualizer, topPad, rows]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    pinned.current = fromBottom < BOTTOM_SLACK;
    if (pinned.current && unseen) setUnseen(0);
    captureAnchor();
    if (el.scrollTop < LOAD_OLDER_AT && hasOlder && !loadingOlder) loadOlder();
  };

  // Rows changed: keep the view where it was (older pages prepended) or follow the bottom.
  const prev = useRef<{ last?: string | undefined }>({});
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const lastRow = rows.at(-1);
    const last = lastRow?.key;
    const before = prev.current;
    prev.current = { last };
    if (pinned.current) {
      el.scrollTop = el.scrollHeight;
      return;
    }
    // Older pages (or anything else) added above: put the row I was looking at back in place.
    if (anchor.current) {
      const { key, offset } = anchor.current;
      const index = rows.findIndex((r) => r.key === key);
      const item = index >= 0 ? virtualizer.measurementsCache[index] : undefined;
      const target = item ? item.start - offset + topPad : null;
      if (target !== null && Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
    }
    if (before.last !== undefined && last !== before.last && lastRow?.kind === 'message') {
      if (lastRow.message.author.id !== meId) setUnseen((n) => n + 1);
    }
  }, [rows, virtualizer, topPad, meId]);

  // After every render (rows measured, sizes settled) note the row at the top again, so the
  // anchor uses real sizes rather than the estimates it had while scrolling.
  useLayoutEffect(() => {
    if (!pinned.current) captureAnchor();
  });

  // Sizes settle after measuring: stay at the bottom while pinned.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [total, viewport]);

  // I sent something: go to the bottom.
  useLayoutEffect(() => {
    if (scrollToBottomSignal === 0) return;
    pinned.current = true;
    setUnseen(0);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [scrollToBottomSignal]);

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
