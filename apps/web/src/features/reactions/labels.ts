import type { MessageView } from '@parley/api-contract';

/** Pure text helpers of reactions (no hooks: unit-tested without a browser). */

type Reaction = MessageView['reactions'][number];

/** "Ana, Ben and 3 others reacted with 👍" (the tooltip of a chip). */
export function whoReacted(r: Reaction): string {
  const names = r.users.map((u) => u.displayName);
  const others = r.count - names.length;
  const list =
    others > 0
      ? `${names.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`
      : names.length > 1
        ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
        : (names[0] ?? 'Nobody');
  return `${list} reacted with ${r.emoji}`;
}

/**
 * One spelling per emoji: the data set writes some with a redundant U+FE0F (👍️ for 👍), which
 * would make two chips of one reaction.
 */
export function canonicalEmoji(emoji: string): string {
  return /^\p{Emoji_Presentation}\uFE0F$/u.test(emoji) ? emoji.slice(0, -1) : emoji;
}
