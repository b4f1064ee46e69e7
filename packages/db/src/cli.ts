#!/usr/bin/env node
import { createDb } from './client.js';
import { dbEnvSchema, dbOptionsFromEnv } from './config.js';
import { describeDbError } from './errors.js';
import { migrate } from './migrate.js';

const USAGE = 'usage: parley-db migrate';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'migrate') {
    console.error(USAGE);
    return 2;
  }
  const env = dbEnvSchema.safeParse(process.env);
  if (!env.success) {
    console.error(`Invalid configuration: ${env.error.issues.map((i) => i.message).join('; ')}`);
    return 1;
  }
  const handle = createDb({ ...dbOptionsFromEnv(env.data), max: 1 });
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
  }
}

process.exitCode = await main(process.argv[2]);
