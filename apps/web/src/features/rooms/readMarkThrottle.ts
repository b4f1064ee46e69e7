/**
 * Read marks go to the server at most once per `intervalMs` per client (the newest position
 * per room; the first one at once): a busy room in view would otherwise cost a `markRead` per
 * message per viewer. The room list shows the room as read at once all the same.
 */
export class ReadMarkThrottle {
  readonly #pending = new Map<string, number>();
  /** The newest position asked for per room, sent or pending: older ones are not sent. */
  readonly #newest = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastSent = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly send: (roomId: string, position: number) => void,
    private readonly intervalMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  mark(roomId: string, position: number): void {
    if (position <= (this.#newest.get(roomId) ?? 0)) return;
    this.#newest.set(roomId, position);
    this.#pending.set(roomId, position);
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastSent + this.intervalMs - this.now());
    this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0) return;
    this.#lastSent = this.now();
    for (const [roomId, position] of this.#pending) this.send(roomId, position);
    this.#pending.clear();
  }
}
