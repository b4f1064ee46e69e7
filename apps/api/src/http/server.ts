import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { type Context, createContextFactory } from '../context.js';
import type { AppDeps } from '../deps.js';
import { guardSends } from '../limits/sockets.js';
import { registerStream } from '../live/coalesce.js';
import { fanoutEncoder } from '../live/encoder.js';
import { appRouter } from '../router.js';
import { isStorageFailure } from '../storage/space.js';
import { csrfRefusal, isAllowedOrigin, sendRefusal } from './csrf.js';
import { requestIdFor, requestIdOf, tieToRequest } from './request-ids.js';
import { logRequest, logSocket } from './request-log.js';
import { staticFiles } from './static.js';

export interface HttpServer {
  server: Server;
  wss: WebSocketServer;
  /** Asks every WebSocket client to reconnect (before a shutdown). */
  broadcastReconnect(): void;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createHttpServer(deps: AppDeps): HttpServer {
  const { config, log } = deps;
  const makeContext = createContextFactory(deps);
  // A context that fails (its database gone) fails the call with no context: remember which
  // request it was, so that the error still gets the request's id (see onError).
  const createContext: typeof makeContext = (opts) =>
    makeContext(opts).catch((err: unknown) => {
      if (typeof err === 'object' && err !== null)
        tieToRequest(err, opts.res instanceof WebSocket ? opts.res : opts.req);
      throw err;
    });
  const onError = ({
    error,
    path,
    ctx,
  }: {
    error: { code: string; message: string };
    path?: string;
    ctx?: Context;
  }) => {
    deps.metrics.procedureFailed(path, error.code);
    // The request's (or connection's) id, also on its request log line and shown to the client.
    const carrier = ctx?.http?.req ?? ctx?.socket?.ws ?? (error as { cause?: object }).cause;
    if (carrier) tieToRequest(error, carrier);
    const requestId = requestIdOf(error);
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      if (isStorageFailure((error as { cause?: unknown }).cause)) deps.storage.noteFailure();
      log.error({ err: error, path, requestId }, 'procedure failed');
    } else log.debug({ code: error.code, path, requestId }, 'procedure refused');
  };

  const trpc = createHTTPHandler({
    router: appRouter,
    createContext,
    basePath: '/trpc/',
    maxBodySize: config.maxPayloadBytes,
    // tRPC's own bound on the calls in one batch request; refused with BAD_REQUEST, unbuilt.
    maxBatchSize: config.limits.maxBatch,
    onError,
  });
  const web = config.webDist
    ? staticFiles(config.webDist, (err, req) =>
        log.warn({ err, requestId: requestIdFor(req) }, 'static file read failed'),
      )
    : null;

  const server = createServer((req, res) => {
    const requestId = logRequest(req, res, log, config.trustProxy);
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) {
      const refusal = csrfRefusal(req, config.allowedOrigins);
      if (refusal) sendRefusal(res, refusal);
      else void trpc(req, res);
    } else if (deps.health.handle(req, res)) {
      // /healthz, /readyz (health.ts)
    } else if (web) {
      web(req, res).catch((err: unknown) => {
        log.error({ err, requestId }, 'static file failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxPayloadBytes,
    perMessageDeflate: false,
  });
  // Before tRPC's own connection handler, so that every frame it sends goes through the guard:
  // a client that does not read its socket costs the server at most maxBufferedBytes.
  wss.on('connection', (ws, req) => logSocket(ws, req, log));
  wss.on('connection', (ws) =>
    guardSends(ws, config.maxBufferedBytes, () =>
      log.warn({ buffered: ws.bufferedAmount }, 'closing a slow websocket consumer'),
    ),
  );
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext,
    keepAlive: { enabled: true, pingMs: config.wsPingMs, pongWaitMs: config.wsPongWaitMs },
    experimental_encoder: fanoutEncoder,
    onError,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/trpc' && path !== '/trpc/') return refuse(socket, '404 Not Found');
    const origin = req.headers.origin;
    if (origin && !isAllowedOrigin(origin, req.headers.host, config.allowedOrigins)) {
      log.warn({ origin }, 'websocket upgrade from a foreign origin refused');
      return refuse(socket, '403 Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      registerStream(ws, socket);
      wss.emit('connection', ws, req);
    });
  });

  return {
    server,
    wss,
    broadcastReconnect: handler.broadcastReconnectNotification,
  };
}
