import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb, migrate, rooms } from '../src/index.js';
import { createEmptyPostgresDb } from '../src/testing.js';

describe('createDb({ onQuery })', () => {
  it('reports every statement and each transaction’s begin and end', async () => {
    const seen: string[] = [];
    const serverUrl = process.env.TEST_DATABASE_URL;
    const empty = serverUrl ? await createEmptyPostgresDb(serverUrl) : null;
    const handle = createDb(
      empty
        ? { url: empty.url, max: 2, onQuery: (s) => seen.push(s) }
        : { dataDir: 'memory://', onQuery: (s) => seen.push(s) },
    );
    try {
      await migrate(handle);
      seen.length = 0;
      const { db } = handle;
      await db.execute(sql`select 1`);
      await db.transaction(async (tx) => {
        await tx.insert(rooms).values({ kind: 'public', name: 'counted' });
        await tx.update(rooms).set({ lastPosition: 1 }).where(eq(rooms.name, 'counted'));
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.select().from(rooms);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(seen.map((s) => s.split(' ')[0]?.toLowerCase())).toEqual([
        'select',
        'begin',
        'insert',
        'update',
        'commit',
        'begin',
        'select',
        'rollback',
      ]);
    } finally {
      await handle.close();
      await empty?.drop();
    }
  });
});
