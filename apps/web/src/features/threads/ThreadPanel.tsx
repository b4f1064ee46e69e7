import type { UserRef } from '@parley/api-contract';
import {
  type KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { closeThread } from '../../lib/route';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { BackIcon } from '../../ui/icons';
import { Composer } from '../messages/Composer';
import { draftKey, useDraftField } from '../messages/drafts';
import { KeyboardHelp } from '../messages/KeyboardHelp';
import { type MessageActions, MessageRow } from '../messages/MessageRow';
import {
  type CommandContext,
  MessageCommandsContext,
  messageCommands,
} from '../messages/messageCommands';
import { buildRows, type DisplayMessage } from '../messages/rows';
import { repliesLabel } from '../messages/ThreadSummary';
import { useEditMessage } from '../messages/useEditMessage';
import type { RoomMessages } from '../messages/useRoomMessages';
import { useSendMessage } from '../messages/useSendMessage';
import { useToggleReaction } from '../reactions/reactions';
import { useThread } from './useThread';

/** The thread composer's textarea. */
export const THREAD_COMPOSER_ID = 'thread-composer';
const BOTTOM_SLACK = 48;

/**
 * An open thread beside the room (the whole screen below 720 px): its root, its replies (live,
 * newer pages on demand) and a composer of its own, with a draft per thread. Focus moves into
 * it on open and back where it was on close (the close button, or Esc).
 */
export function ThreadPanel({
  roomId,
  rootId,
  replyId,
  roomName,
  me,
  members,
  canModerate,
  readOnly,
  room,
  onNotice,
}: {
  roomId: string;
  rootId: string;
  /** A reply to bring into view and highlight (a search result or a mention). */
  replyId: string | null;
  roomName: string;
  me: UserRef;
  members: readonly UserRef[];
  canModerate: boolean;
  /** An archived room: no composer, no actions. */
  readOnly: boolean;
  room: Pick<RoomMessages, 'onEvent' | 'atTail'>;
  onNotice: (text: string) => void;
}) {
  const { thread, root, replies, pending, apply } = useThread(roomId, rootId, me.id, room);
  const titleId = useId();
  const panelRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const drafts = `${draftKey(me.id, roomId)}.thread.${rootId}`;
  const [replyTo, setReplyTo] = useDraftField(drafts, 'replyTo');
  const [editing, setEditing] = useState<DisplayMessage | null>(null);
  const [deleting, setDeleting] = useState<DisplayMessage | null>(null);
  const [help, setHelp] = useState(false);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const send = useSendMessage(roomId, rootId);
  const { edit, remove } = useEditMessage(apply, onNotice);
  const toggleReaction = useToggleReaction(apply, me.id, onNotice);

  const rows = useMemo(() => buildRows(replies, pending, me), [replies, pending, me]);
  const rootRow = useMemo(
    () => (root ? buildRows([root], [], me).find((r) => r.kind === 'message') : undefined),
    [root, me],
  );

  // Where the focus was when the thread opened (a message, its button): it goes back there on
  // close, or to the root in the room's list.
  const opener = useRef<Element | null>(null);
  useLayoutEffect(() => {
    opener.current = document.activeElement;
    // A touch screen gets the heading (the keyboard would cover the thread); others the
    // composer, which focuses itself, unless there is none.
    if (matchMedia('(pointer: coarse)').matches || readOnly) headingRef.current?.focus();
    const panel = panelRef.current;
    return () => {
      const active = document.activeElement;
      if (active && active !== document.body && !panel?.contains(active)) return;
      const back =
        opener.current instanceof HTMLElement && opener.current.isConnected
          ? (opener.current.closest<HTMLElement>('article.msg') ?? opener.current)
          : null;
      const fallback = document.querySelector<HTMLElement>(
        `.message-scroll:not(.thread-scroll) [data-message-id="${rootId}"]`,
      );
      // (After this commit: the room's list may re-render its rows meanwhile.)
      requestAnimationFrame(() => {
        const target = back?.isConnected ? back : (fallback ?? document.getElementById('composer'));
        target?.focus({ preventScroll: false });
      });
    };
  }, [rootId, readOnly]);

  const actions: MessageActions = useMemo(
    () => ({
      onReply: (m) => {
        setEditing(null);
        setReplyTo(m);
      },
      onEdit: (m) => {
        setReplyTo(null);
        setEditing(m);
      },
      onDelete: (m) => {
        if (m.id) remove({ messageId: m.id });
      },
      onRetry: (m) => send.retry(m.clientId),
      onDiscard: (m) => send.discard(m.clientId),
      onReact: (m, emoji, add) => {
        if (m.id) toggleReaction(m.id, emoji, add);
      },
      onPickReaction: (m) => {
        if (!m.id) return;
        panelRef.current
          ?.querySelector<HTMLButtonElement>(`[data-message-id="${m.id}"] .reaction-add`)
          ?.click();
      },
    }),
    [remove, send, toggleReaction, setReplyTo],
  );

  // Stay at the latest reply while there (and after I send); else keep my place.
  const pinned = useRef(replyId === null);
  const [sentSignal, setSentSignal] = useState(0);
  const onScroll = () => {
    const el = scrollRef.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
  };
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [rows, rootRow, sentSignal]);

  // Opened at a reply: bring it into view and highlight it for a moment.
  const jumped = useRef(false);
  const jumpTo = useCallback(
    (id: string) => {
      const row =
        rows.find((r) => r.kind === 'message' && r.message.id === id) ??
        (rootRow?.kind === 'message' && rootRow.message.id === id ? rootRow : undefined);
      if (!row) return false;
      pinned.current = false;
      setHighlight(row.key);
      requestAnimationFrame(() =>
        scrollRef.current
          ?.querySelector(`[data-key="${CSS.escape(row.key)}"]`)
          ?.scrollIntoView({ block: 'center' }),
      );
      return true;
    },
    [rows, rootRow],
  );
  useEffect(() => {
    if (!replyId || jumped.current || !thread.data) return;
    if (jumpTo(replyId)) jumped.current = true;
    else if (thread.hasNextPage && !thread.isFetchingNextPage) void thread.fetchNextPage();
  }, [replyId, jumpTo, thread]);
  useEffect(() => {
    if (!highlight) return;
    const timer = setTimeout(() => setHighlight(null), 2500);
    return () => clearTimeout(timer);
  }, [highlight]);

  const context: CommandContext = useMemo(
    () => ({
      actions,
      meId: me.id,
      canModerate,
      requestDelete: setDeleting,
      jumpTo: (id) => {
        jumpTo(id);
      },
      showHelp: () => setHelp(true),
    }),
    [actions, me.id, canModerate, jumpTo],
  );

  const messageKeys = useMemo(
    () => [
      ...(rootRow ? [rootRow.key] : []),
      ...rows.flatMap((r) => (r.kind === 'message' ? [r.key] : [])),
    ],
    [rows, rootRow],
  );
  const byKey = useMemo(() => {
    const map = new Map<string, DisplayMessage>();
    if (rootRow?.kind === 'message') map.set(rootRow.key, rootRow.message);
    for (const r of rows) if (r.kind === 'message') map.set(r.key, r.message);
    return map;
  }, [rows, rootRow]);
  const tabStop =
    activeKey && messageKeys.includes(activeKey) ? activeKey : (messageKeys.at(-1) ?? null);

  const focusKey = (key: string | undefined) => {
    if (!key) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(
      `[data-key="${CSS.escape(key)}"] article.msg`,
    );
    setActiveKey(key);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'nearest' });
  };

  /** The room list's keys, on the thread's messages. */
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (!target.matches('article.msg') || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = target.closest<HTMLElement>('[data-key]')?.dataset.key;
    const at = key ? messageKeys.indexOf(key) : -1;
    const m = key ? byKey.get(key) : undefined;
    if (!m || at < 0) return;
    const k = e.key;
    if (k === 'ArrowUp') focusKey(messageKeys[Math.max(0, at - 1)]);
    else if (k === 'ArrowDown') focusKey(messageKeys[Math.min(messageKeys.length - 1, at + 1)]);
    else if (k === 'Home') focusKey(messageKeys[0]);
    else if (k === 'End') focusKey(messageKeys.at(-1));
    else if (k === '?') setHelp(true);
    else if (k === 'Enter' || k === 'ContextMenu' || (k === 'F10' && e.shiftKey)) {
      if (readOnly) return;
      target.querySelector<HTMLButtonElement>('.msg-menu-button')?.click();
    } else {
      if (readOnly) return;
      const command = messageCommands(m, context).find((c) =>
        c.keys.some((ck) => ck.toLowerCase() === k.toLowerCase()),
      );
      if (!command) return;
      command.run();
    }
    e.preventDefault();
  };

  const onSend = (body: string) => {
    send.send(body, replyTo);
    setReplyTo(null);
    pinned.current = true;
    setSentSignal((n) => n + 1);
  };

  const onEditLast = () => {
    const mine = [...rows]
      .reverse()
      .find(
        (r) =>
          r.kind === 'message' &&
          r.message.status === 'sent' &&
          r.message.author.id === me.id &&
          !r.message.deletedAt,
      );
    if (mine?.kind !== 'message') return false;
    setReplyTo(null);
    setEditing(mine.message);
    return true;
  };

  const count = root?.thread?.replyCount ?? replies.length;

  return (
    <MessageCommandsContext.Provider value={context}>
      <aside
        ref={panelRef}
        className="thread-panel"
        aria-labelledby={titleId}
        data-composer-scope=""
        onKeyDown={(e) => {
          // Esc that nothing inside used (a menu, a completion, an edit) closes the thread.
          if (
            e.key === 'Escape' &&
            !e.defaultPrevented &&
            !document.querySelector('dialog[open]')
          ) {
            e.preventDefault();
            closeThread();
          }
        }}
      >
        <header className="thread-head">
          <button
            type="button"
            className="icon-btn thread-close"
            aria-label="Close thread"
            title="Close thread (Esc)"
            onClick={closeThread}
          >
            <span className="thread-close-back">
              <BackIcon />
            </span>
            <span className="thread-close-x" aria-hidden="true">
              ×
            </span>
          </button>
          <div className="thread-title">
            <h2 id={titleId} ref={headingRef} tabIndex={-1}>
              Thread
            </h2>
            <span className="muted small">{roomName}</span>
          </div>
        </header>
        {thread.isError && !thread.data ? (
          <div className="thread-state" role="alert">
            <span>This thread could not be loaded.</span>
            <button type="button" className="btn small" onClick={() => void thread.refetch()}>
              Try again
            </button>
          </div>
        ) : !thread.data ? (
          <div className="thread-state muted" role="status">
            <span className="spinner" aria-hidden="true" /> Loading thread…
          </div>
        ) : (
          <div
            ref={scrollRef}
            className="message-scroll thread-scroll"
            role="log"
            aria-live="polite"
            aria-relevant="additions"
            aria-label="Thread replies"
            onScroll={onScroll}
            onKeyDown={onListKey}
            onFocus={(e) => {
              const el = e.target as HTMLElement;
              const key = el.matches('article.msg')
                ? el.closest<HTMLElement>('[data-key]')?.dataset.key
                : undefined;
              if (key) setActiveKey(key);
            }}
          >
            {rootRow?.kind === 'message' && (
              <div
                data-key={rootRow.key}
                className={`thread-row thread-root ${highlight === rootRow.key ? 'jump-target' : ''}`}
              >
                <MessageRow
                  message={rootRow.message}
                  grouped={false}
                  mine={rootRow.message.author.id === me.id}
                  canModerate={canModerate}
                  readOnly={readOnly}
                  actions={actions}
                  tabStop={rootRow.key === tabStop}
                />
              </div>
            )}
            <div className="thread-divider">
              <span>{count === 0 ? 'No replies yet' : repliesLabel(count)}</span>
            </div>
            {rows.map((row) =>
              row.kind === 'day' ? (
                <div key={row.key} className="day-sep">
                  <span>{row.label}</span>
                </div>
              ) : (
                <div
                  key={row.key}
                  data-key={row.key}
                  className={`thread-row ${highlight === row.key ? 'jump-target' : ''}`}
                >
                  <MessageRow
                    message={row.message}
                    grouped={row.grouped}
                    mine={row.message.author.id === me.id}
                    canModerate={canModerate}
                    readOnly={readOnly}
                    actions={actions}
                    tabStop={row.key === tabStop}
                  />
                </div>
              ),
            )}
            {thread.hasNextPage && (
              <button
                type="button"
                className="btn small thread-more"
                disabled={thread.isFetchingNextPage}
                onClick={() => void thread.fetchNextPage()}
              >
                {thread.isFetchingNextPage ? 'Loading…' : 'Show more replies'}
              </button>
            )}
          </div>
        )}
        {!readOnly && (
          <Composer
            roomName={roomName}
            draftKey={drafts}
            replyTo={replyTo}
            editing={editing}
            onCancelReply={() => setReplyTo(null)}
            onCancelEdit={() => setEditing(null)}
            onSend={onSend}
            onSaveEdit={(m, body) => {
              if (m.id) edit({ messageId: m.id, body });
              setEditing(null);
            }}
            onEditLast={onEditLast}
            onTyping={() => {}}
            members={members}
            meId={me.id}
            inputId={THREAD_COMPOSER_ID}
            label="Reply in thread"
            placeholder="Reply in thread…"
          />
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
      </aside>
    </MessageCommandsContext.Provider>
  );
}
