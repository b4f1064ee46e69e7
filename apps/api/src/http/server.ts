import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { createContextFactory } from '../context.js';
import type { AppDeps } from '../deps.js';
import { guardSends } from '../limits/sockets.js';
import { fanoutEncoder } from '../live/encoder.js';
import { appRouter } from '../router.js';
import { csrfRefusal, isAllowedOrigin, sendRefusal } from './csrf.js';
import { requestIdOf } from './request-ids.js';
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
  const createContext = createContextFactory(deps);
  const onError = ({
    error,
    path,
  }: {
    error: { code: string; message: string };
    path?: string;
  }) => {
    deps.metrics.procedureFailed(path, error.code);
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // The same id the client was shown (see the error formatter in trpc.ts).
      log.error({ err: error, path, requestId: requestIdOf(error) }, 'procedure failed');
    } else log.debug({ code: error.code, path }, 'procedure refused');
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
    ? staticFiles(config.webDist, (err) => log.warn({ err }, 'static file read failed'))
    : null;

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) {
      const refusal = csrfRefusal(req, config.allowedOrigins);
      if (refusal) sendRefusal(res, refusal);
      else void trpc(req, res);
    } else if (deps.health.handle(req, res)) {
      // /healthz, /readyz (health.ts)
    } else if (web) {
      web(req, res).catch((err: unknown) => {
        log.error({ err }, 'static file failed');
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
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  return {
    server,
    wss,
    broadcastReconnect: handler.broadcastReconnectNotification,
  };
}
