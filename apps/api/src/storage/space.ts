import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { ExplainedFailure } from '../errors.js';
import type { Logger } from '../logger.js';

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${Math.floor(bytes / MiB)} MiB`;

/** The data directory cannot hold the database: the server does not start. */
export class StorageError extends Error {}

/** Postgres' disk_full (53100), and the file system's "no space" and "read-only". */
export function isStorageFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '53100' || code === 'ENOSPC' || code === 'EROFS' || code === 'EDQUOT') return true;
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /No space left on device|read-only file system/i.test(message)
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export const STORAGE_FULL = 'The server’s storage is full: nothing can be saved just now.';

/** Node's recursive mkdir reports ENOENT on a read-only parent: ask the parent itself. */
function codeOf(dir: string, error: unknown): string | undefined {
  const code = (error as { code?: string }).code;
  if (code !== 'ENOENT') return code;
  let parent = path.dirname(path.resolve(dir));
  while (!existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
  try {
    accessSync(parent, constants.W_OK);
    return code;
  } catch (cause) {
    return (cause as { code?: string }).code ?? code;
  }
}

function startupError(dir: string, error: unknown): StorageError {
  const code = codeOf(dir, error);
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StorageError(
      `The data directory ${dir} is read-only (${code}): Parley keeps its embedded database there and cannot write it. Make it writable, or point PARLEY_DATA_DIR elsewhere.`,
    );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageError(
      `The disk holding the data directory ${dir} is full (${code}). Free some space, or point PARLEY_DATA_DIR elsewhere.`,
    );
  }
  return new StorageError(`The data directory ${dir} cannot be used: ${String(error)}`);
}

/**
 * Before the embedded database opens: the data directory must be writable and have room, or
 * the server says so in one sentence and does not start (PGlite would fail later with
 * "ENOENT … mkdir" or a failed query).
 */
export async function checkDataDir(dir: string, minFreeBytes: number): Promise<void> {
  const probe = path.join(dir, `.parley-write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, 'ok');
    rmSync(probe, { force: true });
  } catch (error) {
    rmSync(probe, { force: true });
    throw startupError(dir, error);
  }
  const free = await freeBytes(dir);
  if (free < minFreeBytes) {
    throw new StorageError(
      `The disk holding the data directory ${dir} is full: ${mib(free)} free, and the embedded database needs at least ${mib(minFreeBytes)} (PARLEY_MIN_FREE_BYTES). Free some space, or point PARLEY_DATA_DIR elsewhere.`,
    );
  }
}

async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * Keeps writes away from a full disk. PGlite cannot survive running out of space while it
 * writes its log (it spins inside WebAssembly, answers nothing and ignores SIGTERM; only kill -9
 * ends it, with the data intact), so on the embedded database free space is watched and writes
 * are refused while less than `minFreeBytes` is left. Reads, /healthz and shutdown go on, and
 * writes resume by themselves once space returns. On PostgreSQL, a write that fails for lack of
 * space (53100) turns writes away for a few seconds the same way.
 */
export class StorageGuard {
  #full = false;
  #checkedAt = 0;
  #refreshing: Promise<void> | null = null;
  #failedUntil = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    /** The embedded database's directory, or null on PostgreSQL. */
    private readonly dir: string | null,
    private readonly minFreeBytes: number,
    private readonly log: Logger,
    private readonly maxAgeMs = 250,
  ) {}

  start(): void {
    if (!this.dir || this.#timer) return;
    this.#timer = setInterval(() => void this.refresh(), 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Whether writes are refused now (as last measured). */
  get full(): boolean {
    return this.#full || Date.now() < this.#failedUntil;
  }

  refresh(): Promise<void> {
    this.#refreshing ??= this.#measure().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #measure(): Promise<void> {
    if (!this.dir) return;
    let free: number;
    try {
      free = await freeBytes(this.dir);
    } catch (err) {
      this.log.warn({ err }, 'could not measure free space');
      return;
    }
    this.#checkedAt = Date.now();
    this.#set(free < this.minFreeBytes, free);
  }

  #set(full: boolean, free?: number): void {
    if (full === this.#full) return;
    this.#full = full;
    const detail = { free, minimum: this.minFreeBytes, dir: this.dir };
    // Once per change, not per refused write.
    if (full) this.log.error(detail, 'storage full: refusing writes until space returns');
    else this.log.warn(detail, 'storage available again: accepting writes');
  }

  /** A write failed for lack of space (PostgreSQL reports it; PGlite may too). */
  noteFailure(): void {
    if (this.dir) {
      void this.refresh();
      return;
    }
    if (!this.full) this.log.error('storage full: the database refused a write for lack of space');
    this.#failedUntil = Date.now() + 5_000;
  }

  /** Throws the "storage full" error while writes are refused; measures when stale. */
  async assertWritable(): Promise<void> {
    if (this.dir && Date.now() - this.#checkedAt > this.maxAgeMs) await this.refresh();
    if (this.full) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: STORAGE_FULL,
        cause: new ExplainedFailure(STORAGE_FULL),
      });
    }
  }
}
