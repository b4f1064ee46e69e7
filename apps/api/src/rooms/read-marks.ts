import { type Db, memberships, queryRows, rooms } from '@parley/db';
import { and, eq, sql } from 'drizzle-orm';
import type { AuthEvent, BusSubscriber } from '../live/bus.js';

interface Mark {
  userId: string;
  roomId: string;
  /** Highest position written, or to write. */
  position: number;
  /** A later mark arrived since the last write: write it at the next tick. */
  dirty: boolean;
  /**
   * The membership was checked (by the caller of `mark`) and has not ended since, as far as
   * this node heard: later marks need no check. False after the link between nodes was down.
   */
  verified: boolean;
  /** The room's last position when it was checked: marks up to it need no clamping read. */
  roomLast: number;
  /** When a mark last came (ms): a pair idle for `idleMs` is forgotten. */
  touchedAt: number;
}

export interface ReadMarkOptions {
  /** False while the storage is full: pending marks wait (and are dropped at shutdown). */
  canWrite?: () => boolean;
  windowMs?: number;
  /** A (user, room) with no mark for this long is forgotten (its next mark checks again). */
  idleMs?: number;
  /** Ended memberships, from every node (`membership.ended` on the `auth` topic). */
  bus?: BusSubscriber;
  /** The room's last position as this node last delivered it, if it has subscribers here. */
  roomLast?: (roomId: string) => number | null;
}

/** Rows per batched statement (a few parameters each; far below PostgreSQL's 65 535). */
const BATCH = 1000;

/**
 * `rooms.markRead` is called for messages that arrive in the room a person is viewing.
 * Writes are coalesced so that database work does not grow with the number of viewers: the
 * first mark of a (user, room) is written at once; later ones are kept in memory and, once per
 * window, every pending mark of every user is written together in one statement (and on
 * shutdown). A (user, room) with no mark for `idleMs` (a minute) is forgotten.
 *
 * Nor do later marks read anything: a (user, room) held here had its membership checked, and
 * is dropped the moment any node announces the membership ended (left or removed), so a viewer
 * marking each message costs no statement until the window's shared write. Even a mark that
 * slipped in during that announcement writes nothing: the batched UPDATE only touches
 * membership rows that exist.
 */
export class ReadMarks {
  readonly #marks = new Map<string, Mark>();
  readonly #writing = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  /** Bumped by every ended membership: a check that raced one is not remembered. */
  #ended = 0;
  readonly #unsubscribe: (() => void) | undefined;
  private readonly canWrite: () => boolean;
  private readonly windowMs: number;
  private readonly idleMs: number;
  private readonly roomLast: (roomId: string) => number | null;

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
    options: ReadMarkOptions = {},
  ) {
    this.canWrite = options.canWrite ?? (() => true);
    this.windowMs = options.windowMs ?? 1000;
    // Kept well past the window: a viewer of a room with a message every few seconds marks
    // each one, and a pair forgotten between two marks would be checked again every time.
    this.idleMs = options.idleMs ?? 60_000;
    this.roomLast = options.roomLast ?? (() => null);
    this.#unsubscribe = options.bus?.subscribe('auth', '*', (event) => this.#onAuth(event), {
      // Announcements from other nodes may have been missed: check every membership again.
      onResume: () => {
        this.#ended++;
        for (const mark of this.#marks.values()) mark.verified = false;
      },
    });
  }

  #onAuth(event: AuthEvent): void {
    if (event.type !== 'membership.ended') return;
    this.#ended++;
    const key = `${event.userId}:${event.roomId}`;
    const mark = this.#marks.get(key);
    // Its pending position would write nothing now (no membership row): drop it.
    if (mark) this.#marks.delete(key);
  }

  /**
   * A mark for a (user, room) whose membership this node has checked and not heard end, up to
   * a position known to exist: remembered with no statement. Null when it needs the check
   * (then `checkpoint()`, the check, and `mark`).
   */
  markChecked(userId: string, roomId: string, position: number): number | null {
    const mark = this.#marks.get(`${userId}:${roomId}`);
    if (!mark?.verified) return null;
    if (position > mark.roomLast) {
      const delivered = this.roomLast(roomId);
      // Past anything known to exist here: the check reads the room's last position.
      if (delivered === null || position > delivered) return null;
      mark.roomLast = delivered;
    }
    this.#advance(mark, position);
    return mark.position;
  }

  /** Taken before a membership check; `mark` remembers the check only if no membership ended since. */
  checkpoint(): number {
    return this.#ended;
  }

  /**
   * Marks read up to `position`, for a member (just checked, at `checkpoint`), never
   * backwards, never past `roomLast` (the room's last position, read by the check).
   */
  async mark(
    userId: string,
    roomId: string,
    position: number,
    check: { checkpoint: number; roomLast: number },
  ): Promise<number> {
    const key = `${userId}:${roomId}`;
    const clamped = Math.min(position, check.roomLast);
    const remember = (mark: Mark) => {
      if (check.checkpoint !== this.#ended) return;
      mark.verified = true;
      mark.roomLast = Math.max(mark.roomLast, check.roomLast);
    };
    const mark = this.#marks.get(key);
    if (mark) {
      this.#advance(mark, clamped);
      remember(mark);
      return mark.position;
    }
    const stored = await this.#writeOne(userId, roomId, clamped);
    // Another call for the same pair may have settled while this one was writing.
    const current = this.#marks.get(key);
    if (current) {
      current.position = Math.max(current.position, stored);
      remember(current);
      return current.position;
    }
    const created: Mark = {
      userId,
      roomId,
      position: stored,
      dirty: false,
      verified: false,
      roomLast: check.roomLast,
      touchedAt: Date.now(),
    };
    remember(created);
    this.#marks.set(key, created);
    this.#timer ??= setInterval(() => this.#tick(), this.windowMs).unref();
    return stored;
  }

  #advance(mark: Mark, position: number): void {
    mark.touchedAt = Date.now();
    if (position > mark.position) {
      mark.position = position;
      mark.dirty = true;
    }
  }

  #tick(): void {
    if (!this.canWrite()) return;
    const due: Mark[] = [];
    const idleSince = Date.now() - this.idleMs;
    for (const [key, mark] of this.#marks) {
      if (mark.dirty) {
        mark.dirty = false;
        due.push(mark);
      } else if (mark.touchedAt < idleSince) {
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
    this.#unsubscribe?.();
    clearInterval(this.#timer);
    this.#timer = undefined;
    const due = [...this.#marks.values()].filter((m) => m.dirty);
    this.#marks.clear();
    if (due.length > 0 && this.canWrite()) this.#track(this.#writeMany(due));
    await Promise.all(this.#writing);
  }
}
