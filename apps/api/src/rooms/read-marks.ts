import { type Db, memberships, rooms } from '@parley/db';
import { and, eq, sql } from 'drizzle-orm';

interface Mark {
  userId: string;
  roomId: string;
  /** Highest position written, or to write. */
  position: number;
  /** A later mark arrived within the window: write it when the window ends. */
  dirty: boolean;
  timer: NodeJS.Timeout;
}

/**
 * `rooms.markRead` is called for every message that arrives in the room a person is viewing.
 * Writes are coalesced: at most one per (user, room) per window; marks in between are kept in
 * memory and written together at the window's end (and on shutdown).
 */
export class ReadMarks {
  readonly #marks = new Map<string, Mark>();
  readonly #writing = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
    /** False while the storage is full: pending marks wait (and are dropped at shutdown). */
    private readonly canWrite: () => boolean = () => true,
    private readonly windowMs = 1000,
  ) {}

  /** Marks read up to `position` (never backwards, never past the room's last position). */
  async mark(userId: string, roomId: string, position: number): Promise<number> {
    const key = `${userId}:${roomId}`;
    const mark = this.#marks.get(key);
    if (mark) {
      if (position > mark.position) {
        mark.position = position;
        mark.dirty = true;
      }
      return mark.position;
    }
    const stored = await this.#write(userId, roomId, position);
    const entry: Mark = {
      userId,
      roomId,
      position: stored,
      dirty: false,
      timer: setTimeout(() => this.#settle(key), this.windowMs).unref(),
    };
    this.#marks.set(key, entry);
    return stored;
  }

  #settle(key: string): void {
    const mark = this.#marks.get(key);
    if (!mark) return;
    if (!mark.dirty) {
      this.#marks.delete(key);
      return;
    }
    if (!this.canWrite()) {
      mark.timer = setTimeout(() => this.#settle(key), this.windowMs).unref();
      return;
    }
    mark.dirty = false;
    this.#track(this.#write(mark.userId, mark.roomId, mark.position));
    mark.timer = setTimeout(() => this.#settle(key), this.windowMs).unref();
  }

  #track(write: Promise<unknown>): void {
    const p = write.catch(this.onError).finally(() => this.#writing.delete(p));
    this.#writing.add(p);
  }

  async #write(userId: string, roomId: string, position: number): Promise<number> {
    const [row] = await this.db
      .update(memberships)
      .set({
        lastReadPosition: sql`greatest(${memberships.lastReadPosition}, least(${position}::bigint, (select ${rooms.lastPosition} from ${rooms} where ${rooms.id} = ${roomId})))`,
      })
      .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)))
      .returning({ lastReadPosition: memberships.lastReadPosition });
    return row?.lastReadPosition ?? 0;
  }

  /** Writes what is pending (before the database closes). */
  async flush(): Promise<void> {
    for (const [key, mark] of this.#marks) {
      clearTimeout(mark.timer);
      if (mark.dirty && this.canWrite()) {
        this.#track(this.#write(mark.userId, mark.roomId, mark.position));
      }
      this.#marks.delete(key);
    }
    await Promise.all(this.#writing);
  }
}
