import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOSE_REVOKED } from '@parley/api-contract/limits';
import { TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import type { CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { WebSocket } from 'ws';
import { readCookie, SESSION_COOKIE } from './auth/cookies.js';
import { type Caller, resolveToken } from './auth/service.js';
import type { AppDeps } from './deps.js';
import { clientAddress } from './http/client-address.js';
import { tagUser } from './http/request-log.js';
import {
  CLOSE_TOO_MANY_SOCKETS,
  onSocketClose,
  type SocketState,
  SocketsPerUser,
} from './limits/sockets.js';

export interface Context {
  deps: AppDeps;
  caller: Caller | null;
  /** The client's address, for per-address limits. */
  ip: string;
  /** Present for HTTP requests (cookies are set there); null over WebSocket. */
  http: { req: IncomingMessage; res: ServerResponse } | null;
  /** Over WebSocket: the socket and what it holds (for its caps); null over HTTP. */
  socket: SocketState | null;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

export function createContextFactory(deps: AppDeps) {
  const address = clientAddress(deps.config);
  const socketsPerUser = new SocketsPerUser(deps.config.limits.maxSocketsPerUser);
  return async (opts: CreateHTTPContextOptions | CreateWSSContextFnOptions): Promise<Context> => {
    const { req } = opts;
    const ip = address(req);
    if (opts.res instanceof WebSocket) {
      const socket = opts.res;
      const params = opts.info.connectionParams;
      const token = params?.token ?? bearer(req) ?? readCookie(req, SESSION_COOKIE);
      const caller = token
        ? await resolveToken(deps.db, deps.config.secret, token, () => !deps.storage.full)
        : null;
      // A socket that presents credentials that do not work is closed, not downgraded.
      if (token && !caller) {
        // Close with 4401 (after tRPC's error reply) so clients know not to retry blindly.
        setImmediate(() => socket.close(CLOSE_REVOKED, 'invalid or revoked credentials'));
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message: 'Your session has ended or the token is invalid. Sign in again.',
        });
      }
      tagUser(socket, caller);
      if (caller && socket.readyState === WebSocket.OPEN) {
        try {
          socketsPerUser.admit(caller.user.id, socket);
        } catch (error) {
          setImmediate(() => socket.close(CLOSE_TOO_MANY_SOCKETS, 'too many connections'));
          throw error;
        }
        deps.sockets.add(caller, socket);
        deps.presence.connect(caller.user.id);
        onSocketClose(socket, () => deps.presence.disconnect(caller.user.id));
      }
      return {
        deps,
        caller,
        ip,
        http: null,
        socket: { ws: socket, subscriptions: 0, inFlight: 0 },
      };
    }
    const res = opts.res as ServerResponse;
    const token = bearer(req) ?? readCookie(req, SESSION_COOKIE);
    const caller = token
      ? await resolveToken(deps.db, deps.config.secret, token, () => !deps.storage.full)
      : null;
    tagUser(req, caller);
    return { deps, caller, ip, http: { req, res }, socket: null };
  };
}
