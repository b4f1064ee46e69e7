import type { MessageView } from '@parley/api-contract';
import type { PendingMessage } from './outbox';

/** One line in the message list: a confirmed message, one of my pending sends, or a day label. */
export interface DisplayMessage {
  key: string;
  id: string | null;
  clientId: string;
  author: MessageView['author'];
  body: string;
  replyTo: MessageView['replyTo'];
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  reactions: MessageView['reactions'];
  /** A thread root's reply summary (null until it has replies, and on pending messages). */
  thread: MessageView['thread'];
  status: 'sent' | PendingMessage['status'];
  error?: string | undefined;
  position: number | null;
  /** The message mentions me (highlighted). */
  mentionsMe: boolean;
}

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: DisplayMessage; grouped: boolean };

const GROUP_MS = 5 * 60 * 1000;

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(d: Date, now = new Date()): string {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const that = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const days = Math.round((today.getTime() - that.getTime()) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return d.toLocaleDateString(undefined, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

export function buildRows(
  messages: MessageView[],
  pending: PendingMessage[],
  me: MessageView['author'],
): Row[] {
  const display: DisplayMessage[] = messages.map((m) => ({
    // Keyed by author + clientId so a pending row keeps its identity once confirmed.
    key: `${m.author.id}:${m.clientId}`,
    id: m.id,
    clientId: m.clientId,
    author: m.author,
    body: m.body,
    replyTo: m.replyTo,
    createdAt: m.createdAt,
    editedAt: m.editedAt,
    deletedAt: m.deletedAt,
    reactions: m.reactions,
    thread: m.thread,
    status: 'sent',
    position: m.position,
    mentionsMe: m.mentions.includes(me.id),
  }));
  const confirmed = new Set(messages.filter((m) => m.author.id === me.id).map((m) => m.clientId));
  for (const p of pending) {
    if (confirmed.has(p.clientId)) continue;
    display.push({
      key: `${me.id}:${p.clientId}`,
      id: null,
      clientId: p.clientId,
      author: me,
      body: p.body,
      replyTo: p.replyTo,
      createdAt: p.createdAt,
      editedAt: null,
      deletedAt: null,
      reactions: [],
      thread: null,
      status: p.status,
      error: p.error,
      position: null,
      mentionsMe: false,
    });
  }

  const rows: Row[] = [];
  let prev: DisplayMessage | null = null;
  let prevDay = '';
  for (const m of display) {
    const at = new Date(m.createdAt);
    const day = dayKey(at);
    if (day !== prevDay) {
      rows.push({ kind: 'day', key: `day:${day}`, label: dayLabel(at) });
      prevDay = day;
      prev = null;
    }
    const grouped =
      prev !== null &&
      prev.author.id === m.author.id &&
      !m.replyTo &&
      at.getTime() - new Date(prev.createdAt).getTime() < GROUP_MS;
    rows.push({ kind: 'message', key: m.key, message: m, grouped });
    prev = m;
  }
  return rows;
}
