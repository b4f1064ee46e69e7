import Database from 'emoji-picker-element/database';
// The emoji set (Unicode's, with GitHub's shortcodes), served with the app: no third-party
// fetch. Loaded only with the picker or the first `:shortcode:`, then kept in IndexedDB.
import dataSource from 'emoji-picker-element-data/en/github/data.json?url';
import { canonicalEmoji } from './labels';

export { dataSource };

let database: Database | null = null;

/** The one emoji database of the page (the picker and shortcode completion share it). */
export function emojiDatabase(): Database {
  database ??= new Database({ dataSource });
  return database;
}

export interface EmojiMatch {
  emoji: string;
  shortcode: string;
}

/** Emoji whose shortcodes start with `query` first, then other matches; at most `limit`. */
export async function emojiForShortcode(query: string, limit = 8): Promise<EmojiMatch[]> {
  const q = query.toLowerCase();
  const found = await emojiDatabase().getEmojiBySearchQuery(q);
  const out: Array<EmojiMatch & { rank: number }> = [];
  for (const e of found) {
    if (!('unicode' in e)) continue; // custom emoji: none here
    const codes = e.shortcodes ?? [];
    const prefixed = codes.find((c) => c.startsWith(q));
    const shortcode = prefixed ?? codes[0];
    if (!shortcode) continue;
    out.push({ emoji: canonicalEmoji(e.unicode), shortcode, rank: prefixed ? 0 : 1 });
  }
  return out
    .sort((a, b) => a.rank - b.rank)
    .slice(0, limit)
    .map(({ emoji, shortcode }) => ({ emoji, shortcode }));
}
