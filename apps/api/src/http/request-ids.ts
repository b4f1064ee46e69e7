import { randomBytes } from 'node:crypto';

/**
 * An id for a failed call, shown to the client with the generic message of an unexpected
 * error and logged with its detail, so an operator can find the one from the other. tRPC hands
 * the same error object to the error formatter and to onError, so the id is kept per object.
 */
const ids = new WeakMap<object, string>();

export function requestIdOf(error: object): string {
  let id = ids.get(error);
  if (!id) {
    id = randomBytes(6).toString('hex');
    ids.set(error, id);
  }
  return id;
}
