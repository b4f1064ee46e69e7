import { memo, useState } from 'react';
import { Avatar } from '../../ui/Avatar';
import { EditIcon, ReplyIcon, ThreadIcon, TrashIcon } from '../../ui/icons';
import { Markdown, plainPreview } from '../../ui/markdown';
import { useReactionPicker } from '../reactions/picker';
import { Reactions } from '../reactions/Reactions';
import { MessageMenu } from './MessageMenu';
import { QuoteLink } from './QuoteLink';
import type { DisplayMessage } from './rows';
import { ThreadSummary } from './ThreadSummary';

export interface MessageActions {
  onReply: (m: DisplayMessage) => void;
  onEdit: (m: DisplayMessage) => void;
  onDelete: (m: DisplayMessage) => void;
  onRetry: (m: DisplayMessage) => void;
  onDiscard: (m: DisplayMessage) => void;
  /** Adds (or removes) my reaction with this emoji. */
  onReact: (m: DisplayMessage, emoji: string, add: boolean) => void;
  /** Opens the thread panel (threads' own, optional until it is wired). */
  onThread?: ((m: DisplayMessage) => void) | undefined;
  /** Opens the message's emoji picker (features/reactions/picker.ts). */
  onPickReaction?: ((m: DisplayMessage) => void) | undefined;
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/** One message: author and time (unless grouped), the quote it replies to, body, actions. */
export const MessageRow = memo(function MessageRow({
  message: m,
  grouped,
  mine,
  canModerate,
  readOnly,
  actions,
  tabStop = false,
}: {
  message: DisplayMessage;
  grouped: boolean;
  mine: boolean;
  canModerate: boolean;
  /** An archived room: no reply, edit or delete. */
  readOnly: boolean;
  actions: MessageActions;
  /** The list's one Tab stop (MessageList moves it with the arrow keys). */
  tabStop?: boolean;
}) {
  const deleted = m.deletedAt !== null;
  const sent = m.status === 'sent';
  const [confirming, setConfirming] = useState(false);
  const picker = useReactionPicker(m.id);
  return (
    <article
      className={`msg ${grouped ? 'grouped' : ''} ${m.status} ${mine ? 'mine' : ''} ${m.mentionsMe ? 'mentions-me' : ''}`}
      data-message-id={m.id ?? undefined}
      data-client-id={m.clientId}
      aria-label={`${m.author.displayName} at ${time(m.createdAt)}${m.mentionsMe ? ', mentions you' : ''}`}
      // Tapping a message focuses it, which shows its actions (there is no hover on touch).
      tabIndex={tabStop ? 0 : -1}
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
          <QuoteLink message={m}>
            <span className="reply-arrow" aria-hidden="true">
              ↪
            </span>
            <span className="sr-only">Replying to </span>
            <strong>{m.replyTo.author.displayName}</strong>
            <span className="reply-text">
              {m.replyTo.deleted ? 'Message deleted' : plainPreview(m.replyTo.body, 90)}
            </span>
          </QuoteLink>
        )}
        {deleted ? (
          <p className="body deleted">This message was deleted.</p>
        ) : (
          <div className="body">
            <Markdown text={m.body} />
            {m.editedAt && <span className="edited"> (edited)</span>}
          </div>
        )}
        {sent && !deleted && m.reactions.length > 0 && (
          <Reactions
            reactions={m.reactions}
            onToggle={readOnly ? undefined : (emoji, add) => actions.onReact(m, emoji, add)}
            picking={picker.open}
            onPickingChange={picker.setOpen}
          />
        )}
        {sent && m.thread && m.thread.replyCount > 0 && actions.onThread && (
          <ThreadSummary thread={m.thread} onOpen={() => actions.onThread?.(m)} />
        )}
        {m.status === 'sending' && <span className="sending small muted">Sending…</span>}
        {m.status === 'waiting' && <span className="sending small muted">{m.error}</span>}
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
      {sent && !deleted && !readOnly && (
        <div className="msg-actions">
          {confirming ? (
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
            <>
              {/* Not Tab stops: the list is one (MessageList); keys and the menu reach these. */}
              <button
                type="button"
                tabIndex={-1}
                onClick={() => actions.onReply(m)}
                aria-label="Reply"
                title="Reply"
              >
                <ReplyIcon />
              </button>
              {actions.onThread && (
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={() => actions.onThread?.(m)}
                  aria-label="Reply in thread"
                  title="Reply in thread"
                >
                  <ThreadIcon />
                </button>
              )}
              {mine && (
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={() => actions.onEdit(m)}
                  aria-label="Edit"
                  title="Edit"
                >
                  <EditIcon />
                </button>
              )}
              {(mine || canModerate) && (
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={() => setConfirming(true)}
                  aria-label="Delete"
                  title="Delete"
                >
                  <TrashIcon />
                </button>
              )}
              {/* With no reactions yet, "Add reaction" is one of the hover actions. */}
              {m.reactions.length === 0 && (
                <Reactions
                  reactions={m.reactions}
                  onToggle={(e, add) => actions.onReact(m, e, add)}
                  picking={picker.open}
                  onPickingChange={picker.setOpen}
                />
              )}
              <MessageMenu message={m} />
            </>
          )}
        </div>
      )}
    </article>
  );
});
