import { randomBytes } from 'node:crypto';

/**
 * Request ids. Each HTTP request and each WebSocket connection gets one (request-log.ts puts
 * it in the `X-Request-Id` response header and on its log lines). A failed call carries the
 * id of the request or connection it failed in: it is shown to the client with the generic
 * message of an unexpected error and logged with its detail, so an operator can find the one
 * from the other. tRPC hands the same error object to onError (first, where it is tied to its
 * request) and to the error formatter, so the id is kept per object.
 */
const ids = new WeakMap<object, string>();

const newId = () => randomBytes(6).toString('hex');

/** What a proxy may hand us as the id of a request (anything else is ignored). */
const FORWARDED_ID = /^[\w.:-]{1,64}$/;

/**
 * The id of a request or connection (its IncomingMessage or WebSocket), made on first use. A
 * `forwarded` id (a trusted proxy's `X-Request-Id`) is adopted when it looks like one, so logs
 * of the proxy and of Parley join up.
 */
export function requestIdFor(carrier: object, forwarded?: string): string {
  let id = ids.get(carrier);
  if (!id) {
    id = forwarded && FORWARDED_ID.test(forwarded) ? forwarded : newId();
    ids.set(carrier, id);
  }
  return id;
}

/** A failed call's error takes the id of the request or connection it happened in. */
export function tieToRequest(error: object, carrier: object): void {
  if (!ids.has(error)) ids.set(error, requestIdFor(carrier));
}

/** The id shown and logged for a failed call (its request's, or a new one). */
export function requestIdOf(error: object): string {
  return requestIdFor(error);
}
