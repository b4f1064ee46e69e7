import { messageHref } from '../../lib/route';
import { Avatar } from '../../ui/Avatar';
import { plainPreview } from '../../ui/markdown';
import { Page } from '../../ui/Page';
import { useMyMentions } from './mentions';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** Where I was mentioned, newest first; each opens its room at the message, in context. */
export function MentionsScreen() {
  const mentions = useMyMentions();
  const items = mentions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title="Mentions">
      {mentions.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : mentions.isError ? (
        <p className="field-error" role="alert">
          Your mentions could not be loaded.
        </p>
      ) : items.length === 0 ? (
        <p className="muted">
          No one has mentioned you yet. When someone writes @your-name, it shows here.
        </p>
      ) : (
        <ul className="mention-results" aria-label="Mentions of you">
          {items.map(({ message, room }) => (
            <li key={message.id}>
              <a
                className="mention-result"
                href={messageHref(room.id, message.id, message.threadId)}
              >
                <Avatar user={message.author} size={28} />
                <span className="mention-result-text">
                  <span className="mention-result-head">
                    <strong>{message.author.displayName}</strong>
                    <span className="muted small">
                      {' '}
                      in {room.kind === 'direct' ? 'a direct message' : room.name} ·{' '}
                      {when(message.createdAt)}
                    </span>
                  </span>
                  <span className="mention-result-body">{plainPreview(message.body, 160)}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {mentions.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={mentions.isFetchingNextPage}
          onClick={() => void mentions.fetchNextPage()}
        >
          {mentions.isFetchingNextPage ? 'Loading…' : 'Older mentions'}
        </button>
      )}
    </Page>
  );
}
