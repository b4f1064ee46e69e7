import type { RouterOutputs } from '@parley/api-contract';
import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { openMessage, useRoomRoute } from '../../lib/route';
import { useDebounced, useMessageSearch } from './search';

type Hit = RouterOutputs['messages']['search']['items'][number];

/** The snippet as text, its matches in <mark>: never HTML from the server. */
function Snippet({ snippet }: { snippet: Hit['snippet'] }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of snippet.highlights) {
    if (start < at) continue;
    parts.push(snippet.text.slice(at, start));
    parts.push(<mark key={start}>{snippet.text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(snippet.text.slice(at));
  return <span className="search-snippet">{parts}</span>;
}

function roomName(room: Hit['room']): string {
  return room.name === null
    ? 'Direct message'
    : room.kind === 'public'
      ? `#${room.name}`
      : room.name;
}

/**
 * Searching messages: Ctrl/Cmd+K (or / outside a text field) focuses the box; results show as a
 * list under it (↑ ↓ move, Enter opens, Esc closes); opening one shows the room at the message.
 */
export function SearchBox() {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [thisRoom, setThisRoom] = useState(false);
  const currentRoom = useRoomRoute();
  const query = useDebounced(text);
  const scope = thisRoom ? currentRoom : null;
  const search = useMessageSearch(query, scope);
  const hits = search.data?.pages.flatMap((p) => p.items) ?? [];
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();

  // Captured before the composer's own "type anywhere" handler sees the key.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const inField = (e.target as Element | null)?.matches?.(
        'input, textarea, select, [contenteditable]',
      );
      if (
        (e.key === 'k' && (e.ctrlKey || e.metaKey)) ||
        (e.key === '/' && !inField && !e.ctrlKey)
      ) {
        e.preventDefault();
        inputRef.current?.focus();
        inputRef.current?.select();
        setOpen(true);
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);

  const go = (hit: Hit) => {
    setOpen(false);
    openMessage(hit.room.id, hit.message.id, hit.message.threadId);
  };
  const shown = open && query.trim().length > 0;

  return (
    <search className="search">
      <input
        ref={inputRef}
        type="search"
        className="search-input"
        placeholder="Search messages (Ctrl+K)"
        aria-label="Search messages"
        role="combobox"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && hits[active] ? `${listId}-${active}` : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget)) setOpen(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (hits.length) {
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length);
            }
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const hit = hits[active];
            if (hit) go(hit);
          } else if (e.key === 'Escape') {
            setOpen(false);
          }
        }}
      />
      {shown && (
        <div className="search-results">
          {currentRoom && (
            <label className="search-scope small">
              <input
                type="checkbox"
                checked={thisRoom}
                onChange={(e) => setThisRoom(e.target.checked)}
              />{' '}
              Only this room
            </label>
          )}
          {search.isError ? (
            <p className="search-note" role="alert">
              Search failed: {errorMessage(search.error)}
            </p>
          ) : search.isPending ? (
            <p className="search-note" role="status">
              Searching…
            </p>
          ) : hits.length === 0 ? (
            <p className="search-note" role="status">
              No messages match “{query.trim()}”.
            </p>
          ) : null}
          <div id={listId} role="listbox" aria-label="Search results" className="search-list">
            {hits.map((hit, i) => (
              <div
                key={hit.message.id}
                id={`${listId}-${i}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className={`search-hit ${i === active ? 'active' : ''}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => go(hit)}
                onKeyDown={() => {}}
              >
                <span className="search-meta small muted">
                  <strong>{roomName(hit.room)}</strong> · {hit.message.author.displayName} ·{' '}
                  {new Date(hit.message.createdAt).toLocaleString()}
                </span>
                <Snippet snippet={hit.snippet} />
              </div>
            ))}
          </div>
          {search.hasNextPage && (
            <button
              type="button"
              className="btn small search-more"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => search.fetchNextPage()}
              disabled={search.isFetchingNextPage}
            >
              {search.isFetchingNextPage ? 'Loading…' : 'More results'}
            </button>
          )}
        </div>
      )}
    </search>
  );
}
