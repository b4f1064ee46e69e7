import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Db, migrationStatus } from '@parley/db';
import type { Logger } from '../logger.js';

/** A readiness condition: resolves when met, throws (with a short public reason) when not. */
export type ReadinessCheck = () => Promise<void>;

/** How long one check may take before it counts as failed (a stopped database hangs). */
const CHECK_TIMEOUT_MS = 2_000;

/** A failed readiness check; its message is the short public reason /readyz shows. */
export class NotReady extends Error {}

function withTimeout(check: ReadinessCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotReady('timed out')), CHECK_TIMEOUT_MS);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/** A condition the process lives with but should say: a short public reason, or null. */
export type Degradation = () => string | null;

/**
 * `/healthz`: the process is alive and its event loop turns (liveness: restart it if not).
 * It stays 200 while degraded (storage full), naming why in `degraded`: a restart would not
 * free the disk, and a server that cannot start on a full disk would stop serving reads too.
 * `/readyz`: it should get traffic (readiness): not shutting down, and every check passes —
 * the database answers and has every migration of this build; further checks are added with
 * `addCheck`. An advisory check (Redis) is reported but leaves the node ready: taking every
 * node out of the balancer because Redis is down would stop sends, which need only the
 * database. Answers are JSON; a failed check says which, with
 * a short reason, and the detail goes to the log when readiness changes.
 */
export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();
  /** Checks that are reported but do not make the node unready (Redis: sends go on without it). */
  private readonly advisory = new Set<string>();
  private readonly degradations = new Map<string, Degradation>();
  private shuttingDown = false;
  private lastReady: boolean | null = null;

  constructor(
    db: Db,
    private readonly log: Logger,
    /** In cluster mode, this node's id: /healthz names it, so an operator (and the cluster
     * tests) can tell which node behind the balancer answered. */
    private readonly node?: string,
  ) {
    this.addCheck('database', async () => {
      let pending: string[];
      try {
        ({ pending } = await migrationStatus({ db }));
      } catch (err) {
        this.log.debug({ err }, 'readiness: database check failed');
        throw new NotReady('unreachable');
      }
      if (pending.length > 0) throw new NotReady(`${pending.length} migration(s) pending`);
    });
  }

  addCheck(name: string, check: ReadinessCheck, options: { advisory?: boolean } = {}): void {
    this.checks.set(name, check);
    if (options.advisory) this.advisory.add(name);
  }

  /** A condition /healthz reports (while staying 200); add a readiness check for it too. */
  addDegradation(name: string, degradation: Degradation): void {
    this.degradations.set(name, degradation);
  }

  /** What /healthz says: alive, and what it is living with. */
  liveness(): { ok: true; node?: string; degraded?: Record<string, string> } {
    const degraded: Record<string, string> = {};
    for (const [name, reason] of this.degradations) {
      const why = reason();
      if (why) degraded[name] = why;
    }
    return {
      ok: true,
      ...(this.node === undefined ? {} : { node: this.node }),
      ...(Object.keys(degraded).length > 0 ? { degraded } : {}),
    };
  }

  /** From now on /readyz answers 503 (the server is stopping). */
  startShutdown(): void {
    this.shuttingDown = true;
  }

  async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = { shutdown: this.shuttingDown ? 'stopping' : 'ok' };
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check);
          checks[name] = 'ok';
        } catch (err) {
          checks[name] = err instanceof NotReady ? err.message : 'failed';
        }
      }),
    );
    const ready = Object.entries(checks).every(([k, v]) => v === 'ok' || this.advisory.has(k));
    if (ready !== this.lastReady) {
      if (ready) this.log.info({ checks }, 'ready');
      else this.log.warn({ checks }, 'not ready');
      this.lastReady = ready;
    }
    return { ready, checks };
  }

  /** Answers /healthz and /readyz; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    const json = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify(body));
    if (path === '/healthz') {
      json(200, this.liveness());
      return true;
    }
    if (path === '/readyz') {
      this.readiness().then(
        ({ ready, checks }) => json(ready ? 200 : 503, { ok: ready, checks }),
        () => json(503, { ok: false }),
      );
      return true;
    }
    return false;
  }
}
