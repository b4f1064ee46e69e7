/**
 * `pnpm db:check`: fails when the Drizzle schema has changes that no migration holds.
 * drizzle-kit has no dry run, so this generates into a copy of the migrations folder and
 * looks for a new file.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const migrations = path.join(root, 'packages/db/migrations');
const scratch = mkdtempSync(path.join(tmpdir(), 'parley-db-check-'));
try {
  const out = path.join(scratch, 'migrations');
  cpSync(migrations, out, { recursive: true });
  const config = path.join(root, `.drizzle-check-${process.pid}.config.ts`);
  writeFileSync(
    config,
    `export default ${JSON.stringify({
      dialect: 'postgresql',
      schema: path.join(root, 'packages/db/src/schema.ts'),
      out,
    })};\n`,
  );
  try {
    const res = spawnSync('pnpm', ['exec', 'drizzle-kit', 'generate', '--config', config], {
      cwd: root,
      encoding: 'utf8',
    });
    if (res.status !== 0) {
      console.error(`drizzle-kit generate failed:\n${res.stdout}\n${res.stderr}`);
      process.exit(1);
    }
  } finally {
    rmSync(config, { force: true });
  }
  const before = new Set(readdirSync(migrations));
  const added = readdirSync(out).filter((f) => !before.has(f));
  if (added.length > 0) {
    console.error(
      `The schema (packages/db/src/schema.ts) has changes that no migration holds. Run \`pnpm db:generate\` and commit the new migration.`,
    );
    process.exit(1);
  }
  console.log('Schema and migrations agree.');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
