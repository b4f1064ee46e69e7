import type { MessageView } from '@parley/api-contract';
import { clientIdSchema } from '@parley/api-contract/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import {
  localOutboxStorage,
  newClientId,
  Outbox,
  type OutboxEntry,
  type OutboxStorage,
  type SendOutcome,
  WAITING_FOR_CONNECTION,
  WAITING_FOR_EARLIER,
} from '../../../src/features/messages/outbox';
import { ana, message } from './fixtures';

function draft(clientId: string, roomId = 'r1'): OutboxEntry {
  return {
    clientId,
    roomId,
    body: `body ${clientId}`,
    replyTo: null,
    replyToId: undefined,
    createdAt: new Date(0).toISOString(),
  };
}

/** A server whose answers the test gives, one send at a time. */
function fakeServer() {
  const calls: { entry: OutboxEntry; answer: (o: SendOutcome) => void }[] = [];
  let position = 0;
  const sender = (entry: OutboxEntry) =>
    new Promise<SendOutcome>((resolve) => calls.push({ entry, answer: resolve }));
  const sent = (entry: OutboxEntry): SendOutcome => ({
    ok: true,
    message: { ...message(++position, ana, new Date(0)), clientId: entry.clientId },
  });
  /** Answers the oldest unanswered send, and lets the outbox react. */
  const answer = async (outcome?: SendOutcome) => {
    const call = calls.shift();
    if (!call) throw new Error('nothing was sent');
    call.answer(outcome ?? sent(call.entry));
    await new Promise((r) => setTimeout(r, 0));
  };
  const inFlight = () => calls.map((c) => c.entry.clientId);
  return { sender, answer, inFlight };
}

function memoryStorage(): OutboxStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    load: (u) => JSON.parse(data.get(u) ?? '[]'),
    save: (u, entries) => data.set(u, JSON.stringify(entries)),
    remove: (u) => data.delete(u),
  };
}

function openOutbox(storage: OutboxStorage | null = null) {
  const server = fakeServer();
  const box = new Outbox(storage);
  let changes = 0;
  box.subscribe(() => changes++);
  box.open('u-ana', server.sender);
  const shown = (roomId = 'r1') => box.get(roomId).map((m) => `${m.clientId}:${m.status}`);
  return { box, server, shown, changes: () => changes };
}

describe('Outbox', () => {
  it('keeps messages per room, in the order they were written', () => {
    const { box } = openOutbox();
    box.add(draft('a'));
    box.add(draft('b'));
    box.add(draft('x', 'r2'));
    expect(box.get('r1').map((m) => m.clientId)).toEqual(['a', 'b']);
    expect(box.get('r2').map((m) => m.clientId)).toEqual(['x']);
    expect(box.get('r3')).toEqual([]);
  });

  it('gives the same empty list every time, so subscribers do not re-render for nothing', () => {
    const box = new Outbox();
    expect(box.get('r1')).toBe(box.get('r2'));
  });

  it('sends one message of a room at a time, the next once the first is answered', async () => {
    const { box, server, shown } = openOutbox();
    const replies: MessageView[] = [];
    box.onSent('r1', (m) => replies.push(m));
    box.add(draft('a'));
    box.add(draft('b'));
    box.add(draft('c'));
    expect(server.inFlight()).toEqual(['a']);
    expect(shown()).toEqual(['a:sending', 'b:sending', 'c:sending']);
    await server.answer();
    expect(server.inFlight()).toEqual(['b']);
    await server.answer();
    await server.answer();
    expect(server.inFlight()).toEqual([]);
    expect(box.get('r1')).toEqual([]);
    expect(replies.map((m) => [m.clientId, m.position])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('does not hold one room up for another', () => {
    const { box, server } = openOutbox();
    box.add(draft('a'));
    box.add(draft('b'));
    box.add(draft('x', 'r2'));
    expect(server.inFlight()).toEqual(['a', 'x']);
  });

  it('without an answer it holds everything until resumed, then sends in order', async () => {
    const { box, server, shown } = openOutbox();
    box.add(draft('a'));
    box.add(draft('b'));
    box.add(draft('x', 'r2'));
    await server.answer({ ok: false, retry: true }); // a: no connection
    expect(box.isOffline).toBe(true);
    expect(shown()).toEqual(['a:waiting', 'b:waiting']);
    expect(box.get('r1')[0]?.error).toBe(WAITING_FOR_CONNECTION);
    // x was already on its way; its answer still counts.
    await server.answer();
    expect(box.get('r2')).toEqual([]);
    box.add(draft('c'));
    expect(server.inFlight()).toEqual([]);

    box.resume();
    expect(server.inFlight()).toEqual(['a']);
    await server.answer();
    await server.answer();
    expect(server.inFlight()).toEqual(['c']);
    await server.answer();
    expect(box.get('r1')).toEqual([]);
  });

  it('a refused message fails with its reason and holds the ones after it until Retry', async () => {
    const { box, server, shown } = openOutbox();
    box.add(draft('a'));
    box.add(draft('b'));
    await server.answer({ ok: false, retry: false, error: 'Whoa, that was quick!' });
    expect(shown()).toEqual(['a:failed', 'b:waiting']);
    expect(box.get('r1').map((m) => m.error)).toEqual([
      'Whoa, that was quick!',
      WAITING_FOR_EARLIER,
    ]);
    expect(server.inFlight()).toEqual([]);

    box.retry('r1', 'a');
    expect(shown()).toEqual(['a:sending', 'b:sending']);
    expect(server.inFlight()).toEqual(['a']);
    await server.answer();
    expect(server.inFlight()).toEqual(['b']);
  });

  it('discarding a failed message lets the next go; retrying one it does not hold does nothing', async () => {
    const { box, server, changes } = openOutbox();
    box.add(draft('a'));
    box.add(draft('b'));
    await server.answer({ ok: false, retry: false, error: 'Not sent: nope' });
    const before = changes();
    box.retry('r1', 'nope');
    expect(changes()).toBe(before);
    box.discard('r1', 'a');
    expect(server.inFlight()).toEqual(['b']);
    expect(box.get('r1').map((m) => m.clientId)).toEqual(['b']);
  });

  it('confirms by clientId (a live event can beat the reply), telling only when something left', async () => {
    const { box, server, changes } = openOutbox();
    box.add(draft('a'));
    box.add(draft('b'));
    const before = changes();
    const list = box.get('r1');
    box.confirm('r1', ['zzz']);
    expect(changes()).toBe(before);
    expect(box.get('r1')).toBe(list);
    box.confirm('r1', ['a']); // seen in the room's events while its reply is on the way
    expect(box.get('r1').map((m) => m.clientId)).toEqual(['b']);
    expect(server.inFlight()).toEqual(['a']);
    await server.answer(); // the reply for a: b goes next, and a is not shown again
    expect(server.inFlight()).toEqual(['b']);
    expect(box.get('r1').map((m) => m.clientId)).toEqual(['b']);
  });

  it('keeps what is unsent for its user across a reload, and no one else sees it', async () => {
    const storage = memoryStorage();
    const first = openOutbox(storage);
    first.box.add(draft('a'));
    first.box.add(draft('b'));
    await first.server.answer({ ok: false, retry: false, error: 'Not sent: nope' });

    // The page reloads: a new outbox over the same storage.
    const server = fakeServer();
    const again = new Outbox(storage);
    again.open('u-ana', server.sender);
    expect(again.get('r1').map((m) => [m.clientId, m.status])).toEqual([
      ['a', 'failed'],
      ['b', 'waiting'],
    ]);
    again.retry('r1', 'a');
    expect(server.inFlight()).toEqual(['a']);

    // Someone else signs in on this tab: nothing of Ana's shows or is sent.
    const benServer = fakeServer();
    again.open('u-ben', benServer.sender);
    expect(again.get('r1')).toEqual([]);
    expect(benServer.inFlight()).toEqual([]);
    // Ana's send that was under way when Ben signed in is not Ben's business.
    await server.answer();
    expect(again.get('r1')).toEqual([]);
    expect(storage.load('u-ana').map((e) => e.clientId)).toEqual(['a', 'b']);
  });

  it('close hides everything; forget also deletes what was kept', () => {
    const storage = memoryStorage();
    const { box } = openOutbox(storage);
    box.add(draft('a'));
    box.close();
    expect(box.get('r1')).toEqual([]);
    expect(storage.load('u-ana')).toHaveLength(1);
    box.open('u-ana', fakeServer().sender);
    expect(box.get('r1')).toHaveLength(1);
    box.forget('u-ana');
    expect(box.get('r1')).toEqual([]);
    expect(storage.data.has('u-ana')).toBe(false);
  });

  it('stops telling a subscriber that unsubscribed', () => {
    const box = new Outbox();
    box.open('u-ana', fakeServer().sender);
    let calls = 0;
    const stop = box.subscribe(() => calls++);
    box.add(draft('a'));
    const seen = calls;
    stop();
    box.add(draft('b'));
    expect(calls).toBe(seen);
  });
});

describe('localOutboxStorage', () => {
  const store = new Map<string, string>();
  (globalThis as { localStorage?: unknown }).localStorage ??= {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => store.set(k, v),
    removeItem: (k: string) => store.delete(k),
  };
  afterEach(() => store.clear());

  it('keeps entries per user and drops what it cannot read', () => {
    localOutboxStorage.save('u1', [draft('a'), { ...draft('b'), failed: 'Not sent: nope' }]);
    expect(localOutboxStorage.load('u1')).toEqual([
      { ...draft('a'), replyToId: undefined },
      { ...draft('b'), failed: 'Not sent: nope' },
    ]);
    expect(localOutboxStorage.load('u2')).toEqual([]);
    localStorage.setItem('parley.outbox.v1.u3', '[{"clientId":1},"x",null]');
    expect(localOutboxStorage.load('u3')).toEqual([]);
    localStorage.setItem('parley.outbox.v1.u4', '{not json');
    expect(localOutboxStorage.load('u4')).toEqual([]);
    localOutboxStorage.remove('u1');
    expect(localOutboxStorage.load('u1')).toEqual([]);
  });
});

describe('newClientId', () => {
  it('is a fresh id the server accepts', () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(clientIdSchema.safeParse(id).success).toBe(true);
  });
});
