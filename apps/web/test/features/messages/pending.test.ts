import { clientIdSchema } from '@parley/api-contract/schemas';
import { describe, expect, it } from 'vitest';
import {
  newClientId,
  type PendingMessage,
  PendingStore,
} from '../../../src/features/messages/pending';

function draft(clientId: string, roomId = 'r1'): PendingMessage {
  return {
    clientId,
    roomId,
    body: `body ${clientId}`,
    replyTo: null,
    replyToId: undefined,
    createdAt: new Date(0).toISOString(),
    status: 'sending',
  };
}

function storeWithCounter() {
  const store = new PendingStore();
  let changes = 0;
  store.subscribe(() => changes++);
  return { store, changes: () => changes };
}

describe('PendingStore', () => {
  it('keeps sends per room, in the order they were typed', () => {
    const { store } = storeWithCounter();
    store.upsert(draft('a'));
    store.upsert(draft('b'));
    store.upsert(draft('x', 'r2'));
    expect(store.get('r1').map((m) => m.clientId)).toEqual(['a', 'b']);
    expect(store.get('r2').map((m) => m.clientId)).toEqual(['x']);
    expect(store.get('r3')).toEqual([]);
  });

  it('gives the same empty list every time, so subscribers do not re-render for nothing', () => {
    const store = new PendingStore();
    expect(store.get('r1')).toBe(store.get('r2'));
  });

  it('a retry (upsert of the same clientId) moves the send to the end, once', () => {
    const { store } = storeWithCounter();
    store.upsert(draft('a'));
    store.upsert(draft('b'));
    store.upsert({ ...draft('a'), status: 'sending' });
    expect(store.get('r1').map((m) => m.clientId)).toEqual(['b', 'a']);
  });

  it('marks a send failed with its reason, and ignores a send it does not hold', () => {
    const { store, changes } = storeWithCounter();
    store.upsert(draft('a'));
    store.update('r1', 'a', { status: 'failed', error: 'Not sent: no connection.' });
    expect(store.get('r1')[0]).toMatchObject({
      status: 'failed',
      error: 'Not sent: no connection.',
    });
    const before = changes();
    store.update('r1', 'nope', { status: 'failed' });
    expect(changes()).toBe(before);
  });

  it('reconciles confirmed clientIds, and tells subscribers only when something left', () => {
    const { store, changes } = storeWithCounter();
    store.upsert(draft('a'));
    store.upsert(draft('b'));
    const before = changes();
    const list = store.get('r1');
    store.reconcile('r1', ['zzz']);
    expect(changes()).toBe(before);
    expect(store.get('r1')).toBe(list);
    store.reconcile('r1', ['a']);
    expect(changes()).toBe(before + 1);
    expect(store.get('r1').map((m) => m.clientId)).toEqual(['b']);
    store.remove('r1', 'b');
    expect(store.get('r1')).toEqual([]);
  });

  it('stops telling a subscriber that unsubscribed', () => {
    const store = new PendingStore();
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    store.upsert(draft('a'));
    stop();
    store.upsert(draft('b'));
    expect(calls).toBe(1);
  });
});

describe('newClientId', () => {
  it('is a fresh id the server accepts', () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(clientIdSchema.safeParse(id).success).toBe(true);
  });
});
