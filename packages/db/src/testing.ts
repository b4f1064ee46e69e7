import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type DbHandle, type DbOptions } from './client.js';
import { migrate } from './migrate.js';

/**
 * A fresh, migrated database for one test file. With TEST_DATABASE_URL it is a new database
 * on that server (dropped on close); without, an in-memory PGlite.
 */
export async function createTestDb(options: Pick<DbOptions, 'onQuery'> = {}): Promise<DbHandle> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const handle = createDb({ ...options, dataDir: 'memory://' });
    await migrate(handle);
    return handle;
  }
  const empty = await createEmptyPostgresDb(serverUrl);
  const handle = createDb({ ...options, url: empty.url, max: 20 });
  await migrate(handle);
  // Closing twice (a test that takes the database away, then its cleanup) closes once.
  let closing: Promise<void> | undefined;
  return {
    ...handle,
    close: () => {
      closing ??= (async () => {
        await handle.close();
        await empty.drop();
      })();
      return closing;
    },
  };
}

/** A URL for a fresh empty database on TEST_DATABASE_URL's server, and a way to drop it. */
export async function createEmptyPostgresDb(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
