/**
 * Every emoji the picker and the shortcode completion offer (the data file they load, skin
 * tones included) is one the server accepts as a reaction: the contract's own schema.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { emojiSchema } from '@parley/api-contract/schemas';
import { describe, expect, it } from 'vitest';
import { canonicalEmoji, whoReacted } from '../../../src/features/reactions/labels';

const require = createRequire(import.meta.url);
interface Entry {
  emoji: string;
  shortcodes?: string[];
  skins?: Array<{ emoji: string }>;
}
const data: Entry[] = JSON.parse(
  readFileSync(require.resolve('emoji-picker-element-data/en/github/data.json'), 'utf8'),
);

describe('the emoji data set', () => {
  it('holds only emoji the server accepts, as picked and in their canonical spelling', () => {
    const all = data.flatMap((e) => [e.emoji, ...(e.skins ?? []).map((s) => s.emoji)]);
    expect(all.length).toBeGreaterThan(3000);
    const refused = all.filter(
      (e) => !emojiSchema.safeParse(e).success || !emojiSchema.safeParse(canonicalEmoji(e)).success,
    );
    expect(refused).toEqual([]);
  });

  it('has shortcodes for the completion', () => {
    const pizza = data.find((e) => e.shortcodes?.includes('pizza'));
    expect(pizza?.emoji).toBe('🍕');
  });
});

describe('canonicalEmoji and whoReacted', () => {
  it('drops a redundant variation selector only', () => {
    expect(canonicalEmoji('👍\uFE0F')).toBe('👍');
    expect(canonicalEmoji('❤\uFE0F')).toBe('❤\uFE0F');
  });

  it('names who reacted', () => {
    const u = (n: string) => ({ id: n, username: n, displayName: n });
    expect(whoReacted({ emoji: '👍', count: 1, me: false, users: [u('Ana')] })).toBe(
      'Ana reacted with 👍',
    );
    expect(whoReacted({ emoji: '👍', count: 5, me: false, users: [u('A'), u('B'), u('C')] })).toBe(
      'A, B, C and 2 others reacted with 👍',
    );
  });
});
