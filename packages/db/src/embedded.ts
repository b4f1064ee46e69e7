/**
 * The embedded database (PGlite) on disk: how it is started, created, held, backed up and
 * restored. Figures behind the choices: docs/design.md, "The embedded database's memory".
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's own start parameters plus a smaller buffer pool. Its default shared_buffers
 * (128 MB) lives in the WebAssembly heap and is most of an idle server's memory; the pages it
 * would cache are in the operating system's page cache anyway (PGlite reads its files through
 * Node); measured, 16 MB was no slower beyond noise. The heap cannot start below 128 MB (the module's
 * minimum), so that is where it stays instead of growing to 189 MB.
 */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'shared_buffers=16MB',
];

const hasDatabase = (dir: string) => existsSync(path.join(dir, 'PG_VERSION'));

/**
 * Creates the embedded database in `dir` if it has none, in a child process. In-process,
 * PGlite's initdb runs a second PostgreSQL instance and the initdb program beside the one that
 * serves, and a process keeps most of that memory after they close (measured: 468 MiB at idle
 * after a first start, 160 MiB after a restart). Returns whether it created one.
 */
export async function createEmbeddedDatabase(dir: string): Promise<boolean> {
  if (dir.startsWith('memory://') || hasDatabase(dir)) return false;
  mkdirSync(dir, { recursive: true });
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `
    const { PGlite } = require(process.argv[1]);
    const pg = new PGlite(process.argv[2], { startParams: JSON.parse(process.argv[3]) });
    pg.waitReady.then(() => pg.close()).catch((err) => {
      console.error(err && err.message ? err.message : String(err));
      process.exit(1);
    });`;
  try {
    await promisify(execFile)(
      process.execPath,
      ['-e', script, entry, dir, JSON.stringify(PGLITE_START_PARAMS)],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`Could not create the embedded database in ${dir}: ${stderr || error}`);
  }
  return true;
}

/**
 * Which process is using the embedded database in `dir`: `<dir>.pid` holds its pid while a
 * server (or `pnpm db:migrate`) has it open. PGlite takes no lock of its own, and its files
 * must not be copied or replaced while it runs.
 */
const pidFile = (dir: string) => `${path.resolve(dir)}.pid`;

/** The pid of a live process holding `dir`, or null (no file, or its process is gone). */
export function embeddedDatabaseHolder(dir: string): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile(dir), 'utf8'), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/**
 * Marks `dir` as held by this process; the returned function releases it. Refuses (with
 * EmbeddedDatabaseBusy) while another live process holds it: two PGlite instances on one data
 * directory corrupt it.
 */
export function holdEmbeddedDatabase(dir: string): () => void {
  refuseIfHeld(dir, 'start another on it');
  const file = pidFile(dir);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {}
  };
}

export class EmbeddedDatabaseBusy extends Error {}

function refuseIfHeld(dir: string, doing: string): void {
  const pid = embeddedDatabaseHolder(dir);
  if (pid !== null) {
    throw new EmbeddedDatabaseBusy(
      `A Parley server (pid ${pid}) is using the database in ${path.resolve(dir)}: stop it before you ${doing}. (If no server is running, delete ${pidFile(dir)}.)`,
    );
  }
}

/**
 * Writes the database in `dir` to `file` (a gzipped tar of the data directory, PGlite's
 * dumpDataDir), opening it here: the server must be stopped. Returns the size in bytes.
 */
export async function backupEmbeddedDatabase(dir: string, file: string): Promise<number> {
  refuseIfHeld(dir, 'back it up');
  if (!hasDatabase(dir)) throw new Error(`There is no database in ${path.resolve(dir)}.`);
  const release = holdEmbeddedDatabase(dir);
  const pg = new PGlite(dir, { startParams: [...PGLITE_START_PARAMS] });
  try {
    await pg.waitReady;
    // A checkpoint first: the tarball then needs no WAL replay to be consistent.
    await pg.exec('checkpoint');
    const dump = await pg.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    writeFileSync(`${file}.partial`, bytes);
    rmSync(file, { force: true });
    renameSync(`${file}.partial`, file);
    return bytes.length;
  } finally {
    await pg.close().catch(() => {});
    release();
  }
}

export interface RestoreResult {
  /** Where the database that was there went (with `force`), or null. */
  setAside: string | null;
}

/**
 * Restores `file` (from backupEmbeddedDatabase) into `dir`. Refuses while a server holds `dir`,
 * and refuses a non-empty `dir` unless `force`, in which case the old one is renamed to
 * `<dir>.before-restore-<time>`, not deleted. The backup is loaded and checked in a directory
 * beside `dir` first, so a bad file leaves `dir` as it was.
 */
export async function restoreEmbeddedDatabase(
  file: string,
  dir: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  const target = path.resolve(dir);
  refuseIfHeld(target, 'restore over it');
  const occupied = existsSync(target) && readdirSync(target).length > 0;
  if (occupied && !options.force) {
    throw new Error(
      `${target} is not empty. Restoring would replace that database: run again with --force to set it aside (it is renamed, not deleted).`,
    );
  }
  if (!existsSync(file)) throw new Error(`No backup file at ${path.resolve(file)}.`);
  const staging = `${target}.restoring-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  const pg = new PGlite(staging, {
    loadDataDir: new Blob([readFileSync(file)]),
    startParams: [...PGLITE_START_PARAMS],
  });
  try {
    await pg.waitReady;
    await pg.query('select 1');
  } catch (error) {
    await pg.close().catch(() => {});
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`${path.resolve(file)} is not a usable backup: ${(error as Error).message}`);
  }
  await pg.close();
  let setAside: string | null = null;
  if (existsSync(target)) {
    if (occupied) {
      setAside = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, setAside);
    } else {
      rmSync(target, { recursive: true, force: true });
    }
  }
  renameSync(staging, target);
  return { setAside };
}
