import { type Db, memberships, queryRows, rooms } from '@parley/db';
import { and, eq, sql } from 'drizzle-orm';

interface Mark {
  userId: string;
  roomId: string;
  /** Highest position written, or to write. */
  position: number;
  /** A later mark arrived since the last write: write it at the next tick. */
  dirty: boolean;
}

/** Rows per batched statement (a few parameters each; far below PostgreSQL's 65 535). */
const BATCH = 1000;

/**
 * `rooms.markRead` is called for messages that arrive in the room a person is viewing.
 * Writes are coalesced so that database work does not grow with the number of viewers: the
 * first mark of a (user, room) is written at once; later ones are kept in memory and, once per
 * window, every pending mark of every user is written together in one statement (and on
 * shutdown). A (user, room) with nothing new for a whole window is forgotten.
 */
export class ReadMarks {
  readonly #marks = new Map<string, Mark>();
  readonly #writing = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;

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
    const stored = await this.#writeOne(userId, roomId, position);
    // Another call for the same pair may have settled while this one was writing.
    const current = this.#marks.get(key);
    if (current) {
      current.position = Math.max(current.position, stored);
      return current.position;
    }
    this.#marks.set(key, { userId, roomId, position: stored, dirty: false });
    this.#timer ??= setInterval(() => this.#tick(), this.windowMs).unref();
    return stored;
  }

  #tick(): void {
    if (!this.canWrite()) return;
    const due: Mark[] = [];
    for (const [key, mark] of this.#marks) {
      if (mark.dirty) {
        mark.dirty = false;
        due.push(mark);
      } else {
        this.#marks.delete(key);
      }
    }
    if (this.#marks.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    if (due.length > 0) this.#track(this.#writeMany(due));
  }

  #track(write: Promise<unknown>): void {
    const p = write.catch(this.onError).finally(() => this.#writing.delete(p));
    this.#writing.add(p);
  }

  async #writeOne(userId: string, roomId: string, position: number): Promise<number> {
    const [row] = await this.db
      .update(memberships)
      .set({
        lastReadPosition: sql`greatest(${memberships.lastReadPosition}, least(${position}::bigint, (select ${rooms.lastPosition} from ${rooms} where ${rooms.id} = ${roomId})))`,
      })
      .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)))
      .returning({ lastReadPosition: memberships.lastReadPosition });
    return row?.lastReadPosition ?? 0;
  }

  /** One statement for many marks: the same rule as #writeOne, row by row. */
  async #writeMany(marks: Mark[]): Promise<void> {
    for (let i = 0; i < marks.length; i += BATCH) {
      const values = sql.join(
        marks
          .slice(i, i + BATCH)
          .map((m) => sql`(${m.roomId}::uuid, ${m.userId}::uuid, ${m.position}::bigint)`),
        sql`, `,
      );
      await queryRows(
        this.db,
        sql`update memberships m
          set last_read_position = greatest(m.last_read_position, least(v.position, r.last_position))
          from (values ${values}) as v(room_id, user_id, position)
          join rooms r on r.id = v.room_id
          where m.room_id = v.room_id and m.user_id = v.user_id`,
      );
    }
  }

  /** Writes what is pending (before the database closes). */
  async flush(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const due = [...this.#marks.values()].filter((m) => m.dirty);
    this.#marks.clear();
    if (due.length > 0 && this.canWrite()) this.#track(this.#writeMany(due));
    await Promise.all(this.#writing);
  }
}
