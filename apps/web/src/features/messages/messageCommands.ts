import { createContext, useContext } from 'react';
import type { DisplayMessage } from './rows';

/**
 * The row actions the commands call (MessageRow's MessageActions fits; named here so this
 * module, which MessageRow's menu uses, does not import MessageRow back).
 */
export interface CommandActions {
  onReply: (m: DisplayMessage) => void;
  onEdit: (m: DisplayMessage) => void;
  /** Opens the thread panel (present once threads are in). */
  onThread?: ((m: DisplayMessage) => void) | undefined;
  /** Opens the message's emoji picker (by its "Add reaction" button). */
  onPickReaction?: ((m: DisplayMessage) => void) | undefined;
}

/**
 * What can be done to a message, once: the keys on a focused message, its actions menu and the
 * "Keyboard shortcuts" help all read this list, so a mouse and a keyboard reach the same things.
 */
export interface MessageCommand {
  id: 'reply' | 'thread' | 'react' | 'edit' | 'delete' | 'quote' | 'help';
  label: string;
  /** `KeyboardEvent.key` values that run it on a focused message (compared case-insensitively). */
  keys: string[];
  run: () => void;
}

/** What the list gives its rows: the actions, who I am, and the list's own dialogs. */
export interface CommandContext {
  actions: CommandActions;
  meId: string;
  canModerate: boolean;
  /** Asks "Delete this message?" before deleting. */
  requestDelete: (m: DisplayMessage) => void;
  /** Scrolls to the message a reply quotes (loading it if needed) and highlights it. */
  jumpTo: (messageId: string) => void;
  showHelp: () => void;
}

export const MessageCommandsContext = createContext<CommandContext | null>(null);

export function useCommandContext(): CommandContext | null {
  return useContext(MessageCommandsContext);
}

/** The commands a message offers me (none on pending, failed or deleted messages). */
export function messageCommands(m: DisplayMessage, ctx: CommandContext): MessageCommand[] {
  if (m.status !== 'sent' || m.deletedAt !== null) return [];
  const { actions } = ctx;
  const mine = m.author.id === ctx.meId;
  const list: MessageCommand[] = [
    { id: 'reply', label: 'Reply', keys: ['r'], run: () => actions.onReply(m) },
  ];
  const { onThread, onPickReaction } = actions;
  if (onThread) {
    list.push({ id: 'thread', label: 'Reply in thread', keys: ['t'], run: () => onThread(m) });
  }
  if (onPickReaction) {
    list.push({
      id: 'react',
      label: 'Add reaction',
      keys: [':'],
      run: () => onPickReaction(m),
    });
  }
  if (mine) list.push({ id: 'edit', label: 'Edit', keys: ['e'], run: () => actions.onEdit(m) });
  if (mine || ctx.canModerate) {
    list.push({
      id: 'delete',
      label: 'Delete…',
      keys: ['Delete', 'Backspace'],
      run: () => ctx.requestDelete(m),
    });
  }
  const quoted = m.replyTo;
  if (quoted) {
    list.push({
      id: 'quote',
      label: 'Go to quoted message',
      keys: ['q'],
      run: () => ctx.jumpTo(quoted.id),
    });
  }
  return list;
}
