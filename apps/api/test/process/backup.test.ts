/**
 * `pnpm db:backup` / `pnpm db:restore` (packages/db/src/cli.ts) on the embedded database: what
 * a server wrote comes back in a fresh data directory, and neither command touches a database
 * a server is using, nor replaces one without --force.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientId, connect, signUp } from '../support/harness.js';
import { apiDir, runServer } from '../support/process.js';

const cli = path.resolve(apiDir, '../../packages/db/src/cli.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'parley-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const serverEnv = (dataDir: string) => ({
  PORT: '0',
  HOST: '127.0.0.1',
  PARLEY_DATA_DIR: dataDir,
  PARLEY_SCRYPT_N: '1024',
  LOG_LEVEL: 'warn',
});

/** Runs the database CLI from its sources; resolves with its exit code and output. */
function db(dataDir: string, ...args: string[]) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { cwd: apiDir, env: { PATH: process.env.PATH ?? '', PARLEY_DATA_DIR: dataDir } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe('backup and restore of the embedded database', () => {
  it('restores what a server wrote into a fresh directory, where a server finds it', async () => {
    const original = path.join(scratch, 'original');
    const backup = path.join(scratch, 'parley.tar.gz');
    const username = 'backup_ana';
    let roomId: string;

    const first = runServer(serverEnv(original));
    try {
      const url = await first.url();
      const ana = await signUp(url, username);
      const room = await ana.client.rooms.create.mutate({ name: 'kept', visibility: 'public' });
      roomId = room.id;
      for (const body of ['before the backup', 'and this too']) {
        await ana.client.messages.send.mutate({ roomId, body, clientId: clientId() });
      }
      ana.close();

      // While the server runs, its database is neither copied nor replaced.
      const busy = await db(original, 'backup', backup);
      expect(busy.code, busy.out).toBe(3);
      expect(busy.out).toContain(`pid ${first.child.pid}`);
      expect(existsSync(backup)).toBe(false);
      const over = await db(original, 'restore', backup, '--force');
      expect(over.code, over.out).toBe(3);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const made = await db(original, 'backup', backup);
    expect(made.code, made.out).toBe(0);
    expect(statSync(backup).size).toBeGreaterThan(0);

    // A fresh data directory: no secret either, so sessions are gone but accounts are not.
    const fresh = path.join(scratch, 'fresh');
    const restored = await db(fresh, 'restore', backup);
    expect(restored.code, restored.out).toBe(0);

    const second = runServer(serverEnv(fresh));
    try {
      const url = await second.url();
      const anon = connect(url);
      const { token } = await anon.client.auth.signIn.mutate({
        username,
        password: 'correct horse battery',
      });
      anon.close();
      const ana = connect(url, token);
      const page = await ana.client.messages.history.query({ roomId });
      expect(page.items.map((m) => m.body).sort()).toEqual(['and this too', 'before the backup']);
      ana.close();
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);

  it('refuses a non-empty directory without --force, and sets the old one aside with it', async () => {
    const original = path.join(scratch, 'original');
    const backup = path.join(scratch, 'parley.tar.gz');
    const refused = await db(original, 'restore', backup);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toContain('--force');

    const forced = await db(original, 'restore', backup, '--force');
    expect(forced.code, forced.out).toBe(0);
    const aside = readdirSync(original).filter((f) => f.startsWith('db.before-restore-'));
    expect(aside).toHaveLength(1);
    expect(existsSync(path.join(original, aside[0] ?? '', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(original, 'db', 'PG_VERSION'))).toBe(true);

    const notABackup = await db(path.join(scratch, 'other'), 'restore', path.join(cli));
    expect(notABackup.code, notABackup.out).toBe(1);
    expect(notABackup.out).toContain('is not a usable backup');
    expect(existsSync(path.join(scratch, 'other', 'db'))).toBe(false);
  }, 60_000);

  it('points PostgreSQL users at pg_dump', async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', cli, 'backup'],
        {
          cwd: apiDir,
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.out).toContain('pg_dump');
    expect(result.out).toContain('pg_restore');
  });
});
