import type { MessageView, RouterOutputs } from '@parley/api-contract';
import type { InfiniteData } from '@tanstack/react-query';
import { keepMyReactions, keepNewest, type ReactionChange } from '../messages/messagePages';

/**
 * Pure changes to one thread's cached pages (`messages.thread`: the root and its replies,
 * oldest first, each page newer than the one before). `useThread` is the one writer.
 */
export type ThreadPage = RouterOutputs['messages']['thread'];
export type ThreadPages = InfiniteData<ThreadPage, number | null>;

/**
 * A message of this thread the server sent (a room event, a send/edit/delete/react reply): the
 * root is replaced in every page, a reply in its page; a new reply goes after the last one, but
 * only once the newest page is loaded (otherwise it comes with paging).
 */
export function applyToThread(
  data: ThreadPages | undefined,
  rootId: string,
  message: MessageView,
  meId: string,
  change?: ReactionChange,
): ThreadPages | undefined {
  if (!data) return data;
  const merge = (current: MessageView) => {
    const next = keepNewest(current, message);
    return next === message ? keepMyReactions(current, message, meId, change) : next;
  };
  if (message.id === rootId) {
    return {
      ...data,
      pages: data.pages.map((page) => ({ ...page, root: merge(page.root) })),
    };
  }
  if (message.threadId !== rootId) return data;
  let found = false;
  const pages = data.pages.map((page) => {
    if (!page.items.some((m) => m.id === message.id)) return page;
    found = true;
    return { ...page, items: page.items.map((m) => (m.id === message.id ? merge(m) : m)) };
  });
  if (found) return { ...data, pages };
  const last = pages.at(-1);
  if (!last || last.nextCursor !== null) return data;
  return {
    ...data,
    pages: [...pages.slice(0, -1), { ...last, items: [...last.items, message] }],
  };
}

/** The root's new reply summary (from a reply's event). */
export function setRootSummary(
  data: ThreadPages | undefined,
  thread: NonNullable<MessageView['thread']>,
): ThreadPages | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, root: { ...page.root, thread } })),
  };
}

/** The root (as the latest page has it) and every loaded reply once, oldest first. */
export function threadOf(data: ThreadPages | undefined): {
  root: MessageView | null;
  replies: MessageView[];
} {
  const byId = new Map<string, MessageView>();
  for (const page of data?.pages ?? []) for (const m of page.items) byId.set(m.id, m);
  return {
    root: data?.pages.at(-1)?.root ?? null,
    replies: [...byId.values()].sort((a, b) => a.position - b.position),
  };
}
