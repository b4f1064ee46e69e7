#!/usr/bin/env node
import path from 'node:path';
import { createDb } from './client.js';
import { dbEnvSchema, dbOptionsFromEnv } from './config.js';
import {
  backupEmbeddedDatabase,
  createEmbeddedDatabase,
  EmbeddedDatabaseBusy,
  embeddedDatabaseHolder,
  holdEmbeddedDatabase,
  restoreEmbeddedDatabase,
} from './embedded.js';
import { describeDbError } from './errors.js';
import { migrate } from './migrate.js';

const USAGE = `usage:
  parley-db migrate
  parley-db backup [FILE]            the embedded database, to FILE (default parley-backup-<time>.tar.gz)
  parley-db restore FILE [--force]   FILE into the embedded database's directory`;

const PG_DUMP_HINT =
  'DATABASE_URL is set: this database is PostgreSQL, which has its own tools. Back up with\n' +
  '  pg_dump --format=custom --file=parley.dump "$DATABASE_URL"\n' +
  'and restore into an empty database with\n' +
  '  pg_restore --no-owner --dbname="$DATABASE_URL" parley.dump';

/** A path the user typed: relative to where they ran `pnpm`, not to the repository root. */
const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'migrate' && command !== 'backup' && command !== 'restore') {
    console.error(USAGE);
    return 2;
  }
  const env = dbEnvSchema.safeParse(process.env);
  if (!env.success) {
    console.error(`Invalid configuration: ${env.error.issues.map((i) => i.message).join('; ')}`);
    return 1;
  }
  const options = dbOptionsFromEnv(env.data);
  if (command === 'migrate') return migrateCommand(options);
  if (options.url) {
    console.error(PG_DUMP_HINT);
    return 2;
  }
  try {
    if (command === 'backup') {
      const file = userPath(
        args[0] ?? `parley-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`,
      );
      const bytes = await backupEmbeddedDatabase(options.dataDir, file);
      console.log(`Backed up ${path.resolve(options.dataDir)} to ${file} (${bytes} bytes).`);
      return 0;
    }
    const force = args.includes('--force');
    const files = args.filter((a) => a !== '--force');
    if (files.length !== 1) {
      console.error(USAGE);
      return 2;
    }
    const file = userPath(files[0] ?? '');
    const { setAside } = await restoreEmbeddedDatabase(file, options.dataDir, { force });
    console.log(`Restored ${file} into ${path.resolve(options.dataDir)}.`);
    if (setAside) console.log(`The database that was there is now in ${setAside}.`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof EmbeddedDatabaseBusy ? 3 : 1;
  }
}

async function migrateCommand(options: ReturnType<typeof dbOptionsFromEnv>): Promise<number> {
  let release = () => {};
  if (!options.url) {
    const pid = embeddedDatabaseHolder(options.dataDir);
    if (pid !== null) {
      console.error(
        `A Parley server (pid ${pid}) is using ${path.resolve(options.dataDir)}; it migrates the embedded database itself when it starts.`,
      );
      return 3;
    }
    await createEmbeddedDatabase(options.dataDir);
    release = holdEmbeddedDatabase(options.dataDir);
  }
  const handle = createDb({ ...options, max: 1 });
  try {
    const applied = await migrate(handle);
    if (applied.length === 0) {
      console.log(`Database at ${handle.location} is up to date: no migrations to apply.`);
    } else {
      console.log(`Applied ${applied.length} migration(s) to ${handle.location}:`);
      for (const tag of applied) console.log(`  ${tag}`);
    }
    return 0;
  } catch (error) {
    console.error(describeDbError(error, handle.location));
    return 1;
  } finally {
    await handle.close().catch(() => {});
    release();
  }
}

process.exitCode = await main(process.argv.slice(2));
