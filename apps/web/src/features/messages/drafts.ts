import { useEffect, useState } from 'react';
import type { DisplayMessage } from './rows';

/**
 * What I was writing in a room, kept while I look at another one (and across a reload of the
 * tab). Per signed-in user and room, in sessionStorage: it goes with the tab, so a shared
 * computer does not keep it after the browser is closed. The composer is the only writer.
 */
export interface Draft {
  body: string;
  /** The message I was replying to, as the composer showed it. */
  replyTo: DisplayMessage | null;
}

const EMPTY: Draft = { body: '', replyTo: null };

export function draftKey(userId: string, roomId: string): string {
  return `parley.draft.${userId}.${roomId}`;
}

export function readDraft(key: string): Draft {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return EMPTY;
    const parsed: Partial<Draft> = JSON.parse(raw);
    return {
      body: typeof parsed.body === 'string' ? parsed.body : '',
      replyTo: parsed.replyTo && typeof parsed.replyTo === 'object' ? parsed.replyTo : null,
    };
  } catch {
    // Storage refused (private mode) or an entry from another version: start empty.
    return EMPTY;
  }
}

export function writeDraft(key: string, draft: Draft): void {
  try {
    if (!draft.body && !draft.replyTo) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Full or refused: the draft just is not kept.
  }
}

/** One field of a room's draft, read once when the room opens and written on every change. */
export function useDraftField<K extends keyof Draft>(
  key: string,
  field: K,
  skip = false,
): [Draft[K], (value: Draft[K]) => void] {
  const [value, setValue] = useState<Draft[K]>(() => readDraft(key)[field]);
  useEffect(() => {
    if (!skip) writeDraft(key, { ...readDraft(key), [field]: value });
  }, [key, field, value, skip]);
  return [value, setValue];
}
