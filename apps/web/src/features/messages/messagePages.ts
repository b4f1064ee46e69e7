import type { MessageView, RouterOutputs, UserRef } from '@parley/api-contract';
import type { InfiniteData } from '@tanstack/react-query';

/**
 * Pure changes to a room's cached message pages (`messages.history`, newest page first).
 * `useRoomMessages` is the one writer; it applies these.
 */

export type HistoryPage = RouterOutputs['messages']['history'] & {
  /**
   * Pages of a window opened around one message (`messages.around`) also know where the
   * newer side goes on: history's `after`, null once a page reaches the room's latest.
   */
  newerCursor?: number | null;
};
/**
 * A room's newest pages (params: history's `before`), or a window around one message, the
 * `around` page first, then older (`before`) and newer (`after`) pages.
 */
export type PageParam = number | null | undefined | { around: string } | { after: number };
export type MessagePages = InfiniteData<HistoryPage, PageParam>;

/** A reaction event's change: who added (or removed) which emoji. */
export interface ReactionChange {
  emoji: string;
  userId: string;
  added: boolean;
}

/**
 * Room events carry reactions with `me` false (one event serves every subscriber), so `me`
 * is kept from the cached copy, except for the emoji I just added or removed myself.
 */
export function keepMyReactions(
  current: MessageView | undefined,
  incoming: MessageView,
  meId: string,
  change?: ReactionChange,
): MessageView {
  const reactions = incoming.reactions.map((r) => {
    const me =
      change && change.userId === meId && change.emoji === r.emoji
        ? change.added
        : r.me || (current?.reactions.some((c) => c.emoji === r.emoji && c.me) ?? false);
    return me === r.me ? r : { ...r, me };
  });
  return reactions.every((r, i) => r === incoming.reactions[i])
    ? incoming
    : { ...incoming, reactions };
}

/**
 * A message the server sent (a live event or a reply) put in its page, or atop the newest.
 * With `mine`, its reactions' `me` comes from the cache (see keepMyReactions). With
 * `atTail: false` (a window that has not reached the room's latest message) an unknown
 * message is left out: it belongs in a newer page not loaded yet, not after a gap.
 */
export function upsertMessage(
  data: MessagePages | undefined,
  message: MessageView,
  mine?: { meId: string; change?: ReactionChange },
  atTail = true,
): MessagePages | undefined {
  // Thread replies stay out of the room's list (the root shows their summary instead).
  if (!data || message.threadId !== null) return data;
  const found: { message?: MessageView } = {};
  const merge = (current: MessageView) => {
    const next = keepNewest(current, message);
    found.message =
      mine && next === message ? keepMyReactions(current, message, mine.meId, mine.change) : next;
    return found.message;
  };
  const pages = data.pages.map((page) => {
    if (!page.items.some((m) => m.id === message.id)) return page;
    return {
      ...page,
      items: page.items.map((m) => (m.id === message.id ? merge(m) : m)),
    };
  });
  if (found.message) return requote({ ...data, pages }, found.message);
  if (!atTail) return data;
  const [first, ...rest] = data.pages;
  if (!first) return data;
  return requote(
    { ...data, pages: [{ ...first, items: [message, ...first.items] }, ...rest] },
    message,
  );
}

/** A thread root's new reply summary (from a reply's event), if the root is loaded. */
export function setThreadSummary(
  data: MessagePages | undefined,
  rootId: string,
  thread: NonNullable<MessageView['thread']>,
): MessagePages | undefined {
  if (!data) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.items.some((m) => m.id === rootId)) return page;
    changed = true;
    return { ...page, items: page.items.map((m) => (m.id === rootId ? { ...m, thread } : m)) };
  });
  return changed ? { ...data, pages } : data;
}

/**
 * Replies quoting `source` show its current text: an edit or a delete event carries only the
 * quoted message, so the quotes inside loaded replies are brought up to date from it.
 */
function requote(data: MessagePages, source: MessageView): MessagePages {
  const deleted = source.deletedAt !== null;
  const update = (m: MessageView): MessageView =>
    m.replyTo?.id === source.id && (m.replyTo.body !== source.body || m.replyTo.deleted !== deleted)
      ? { ...m, replyTo: { ...m.replyTo, body: source.body, deleted } }
      : m;
  let changed = false;
  const pages = data.pages.map((page) => {
    const items = page.items.map(update);
    if (items.every((m, i) => m === page.items[i])) return page;
    changed = true;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}

/** Someone's new display name, on their messages and on replies quoting them. */
export function renameUser(
  data: MessagePages | undefined,
  user: UserRef,
): MessagePages | undefined {
  if (!data) return data;
  const rename = (m: MessageView): MessageView => {
    const author = m.author.id === user.id ? { ...m.author, ...user } : m.author;
    const replyTo =
      m.replyTo && m.replyTo.author.id === user.id
        ? { ...m.replyTo, author: { ...m.replyTo.author, ...user } }
        : m.replyTo;
    return author === m.author && replyTo === m.replyTo ? m : { ...m, author, replyTo };
  };
  let changed = false;
  const pages = data.pages.map((page) => {
    const items = page.items.map(rename);
    if (items.every((m, i) => m === page.items[i])) return page;
    changed = true;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}

/** A deleted message stays deleted, and an older edit never replaces a newer one. */
export function keepNewest(current: MessageView, incoming: MessageView): MessageView {
  if (current.deletedAt && !incoming.deletedAt) return current;
  if (current.editedAt && incoming.editedAt && incoming.editedAt < current.editedAt) return current;
  if (current.editedAt && !incoming.editedAt && !incoming.deletedAt) return current;
  return incoming;
}

/** Every loaded message once, oldest first. */
export function messagesOf(data: MessagePages | undefined): MessageView[] {
  const byId = new Map<string, MessageView>();
  for (const page of data?.pages ?? []) for (const m of page.items) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.position - b.position);
}

/** The newest position a page holds (0 when empty): live events resume after it. */
export function newestPositionOf(page: HistoryPage): number {
  return page.items.reduce((max, m) => Math.max(max, m.position), 0);
}
