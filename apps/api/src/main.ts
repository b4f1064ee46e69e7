import { describeDbError, EmbeddedDatabaseBusy, PendingMigrationsError } from '@parley/db';
import { createApp } from './app.js';
import { ConfigError } from './config.js';
import { StorageError } from './storage/space.js';

try {
  const app = await createApp();
  console.log(`Parley is running at ${app.url.replace('127.0.0.1', 'localhost')}`);
  const stop = (signal: string) => {
    app.deps.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  if (
    error instanceof ConfigError ||
    error instanceof PendingMigrationsError ||
    error instanceof StorageError ||
    error instanceof EmbeddedDatabaseBusy
  )
    console.error(error.message);
  else if (error && typeof error === 'object' && ('code' in error || 'cause' in error)) {
    console.error(
      describeDbError(error, process.env.DATABASE_URL ? 'DATABASE_URL' : 'the embedded database'),
    );
  } else console.error(error);
  process.exit(1);
}
