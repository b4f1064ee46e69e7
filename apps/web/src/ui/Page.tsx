import { type ReactNode, useId } from 'react';
import { openRoom } from '../lib/route';
import { BackIcon } from './icons';

/**
 * A screen in place of a room (Settings, Admin): a heading, a way back, links to its sibling
 * screens (`tabs`), sections below.
 */
export function Page({
  title,
  tabs,
  children,
}: {
  title: string;
  tabs?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="page">
      <header className="room-header">
        <button
          type="button"
          className="icon-btn back"
          aria-label="Back to conversations"
          onClick={() => openRoom(null)}
        >
          <BackIcon />
        </button>
        <h1 className="page-title">{title}</h1>
        {tabs}
      </header>
      <div className="page-body">{children}</div>
    </div>
  );
}

/** One part of a Page, titled. */
export function PageSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="page-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {description && <p className="muted">{description}</p>}
      {children}
    </section>
  );
}

/** A date and time as people read them here ("25 Nov 2026, 17:40"). */
export function When({ iso, empty = 'never' }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso}>
      {d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}
