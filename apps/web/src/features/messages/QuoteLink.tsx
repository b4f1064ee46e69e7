import type { ReactNode } from 'react';
import { useCommandContext } from './messageCommands';
import type { DisplayMessage } from './rows';

/**
 * A reply's quote: clicking it goes to the quoted message in context. Not a Tab stop of its
 * own (the list is one); on a focused message, Q does the same.
 */
export function QuoteLink({ message, children }: { message: DisplayMessage; children: ReactNode }) {
  const ctx = useCommandContext();
  const quoted = message.replyTo;
  if (!ctx || !quoted) return <div className="reply-quote">{children}</div>;
  return (
    <button
      type="button"
      className="reply-quote"
      tabIndex={-1}
      title="Go to the quoted message"
      onClick={() => ctx.jumpTo(quoted.id)}
    >
      {children}
    </button>
  );
}
