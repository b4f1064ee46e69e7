import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { onSocketClose } from '../limits/sockets.js';
import type { Logger } from '../logger.js';
import { requestIdFor } from './request-ids.js';

/**
 * One structured log line per HTTP request (when its response ends or the client goes) and
 * per WebSocket connection (open and close): method, path, status, duration, user id, request
 * id. Never bodies, query strings (GET calls carry their input there), headers or tokens.
 */

/** Who is behind a request or connection, once its credentials are resolved (context.ts). */
const users = new WeakMap<object, string>();

export function tagUser(carrier: object, caller: { user: { id: string } } | null): void {
  if (caller) users.set(carrier, caller.user.id);
}

/** Probes poll these every few seconds: logged at debug, not info. */
const PROBES = new Set(['/healthz', '/readyz']);

const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0] ?? '/';

/** Gives the request its id (`X-Request-Id`) and logs it when it ends. Returns the id. */
export function logRequest(
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  trustProxy: boolean,
): string {
  const forwarded = req.headers['x-request-id'];
  const reqId = requestIdFor(
    req,
    trustProxy && typeof forwarded === 'string' ? forwarded : undefined,
  );
  res.setHeader('X-Request-Id', reqId);
  const started = performance.now();
  res.once('close', () => {
    const path = pathOf(req);
    const line = {
      reqId,
      method: req.method,
      // tRPC's path names the procedure(s): /trpc/messages.send or /trpc/a,b for a batch.
      path,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: users.get(req) ?? null,
      // The client went away before the whole answer was sent.
      ...(res.writableFinished ? {} : { aborted: true }),
    };
    if (PROBES.has(path)) log.debug(line, 'http');
    else log.info(line, 'http');
  });
  return reqId;
}

/** Logs a WebSocket connection's open and, with its close code and duration, its close. */
export function logSocket(ws: WebSocket, req: IncomingMessage, log: Logger): void {
  const connId = requestIdFor(ws, requestIdFor(req));
  const started = performance.now();
  log.info({ connId, path: pathOf(req) }, 'ws open');
  onSocketClose(ws, (code) => {
    log.info(
      {
        connId,
        code,
        ms: Math.round(performance.now() - started),
        userId: users.get(ws) ?? null,
      },
      'ws close',
    );
  });
}
