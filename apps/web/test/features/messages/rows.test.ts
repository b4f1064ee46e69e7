import { describe, expect, it } from 'vitest';
import type { PendingMessage } from '../../../src/features/messages/outbox';
import { buildRows, dayLabel, type Row } from '../../../src/features/messages/rows';
import { ana, ben, message, minutes } from './fixtures';

const noon = new Date(2024, 4, 14, 12, 0);

function pending(clientId: string, at: Date, extra: Partial<PendingMessage> = {}): PendingMessage {
  return {
    clientId,
    roomId: 'r1',
    body: `pending ${clientId}`,
    replyTo: null,
    replyToId: undefined,
    createdAt: at.toISOString(),
    status: 'sending',
    ...extra,
  };
}

const shape = (rows: Row[]) =>
  rows.map((r) => (r.kind === 'day' ? `day` : `${r.message.body}${r.grouped ? ' (grouped)' : ''}`));

describe('buildRows', () => {
  it('groups one author within five minutes, and starts a group on a new author', () => {
    const rows = buildRows(
      [
        message(1, ana, noon),
        message(2, ana, minutes(noon, 4)),
        message(3, ana, minutes(noon, 10)),
        message(4, ben, minutes(noon, 11)),
        message(5, ana, minutes(noon, 12)),
      ],
      [],
      ana,
    );
    expect(shape(rows)).toEqual([
      'day',
      'message 1',
      'message 2 (grouped)',
      'message 3',
      'message 4',
      'message 5',
    ]);
  });

  it('never groups a reply, so the quote shows under a header', () => {
    const replyTo = { id: 'm1', author: ben, body: 'hi', deleted: false };
    const rows = buildRows(
      [message(1, ana, noon), message(2, ana, minutes(noon, 1), { replyTo })],
      [],
      ana,
    );
    expect(shape(rows)).toEqual(['day', 'message 1', 'message 2']);
  });

  it('puts a day label before each day and starts a new group after it', () => {
    const lateEvening = new Date(2024, 4, 14, 23, 58);
    const rows = buildRows(
      [message(1, ana, lateEvening), message(2, ana, minutes(lateEvening, 3))],
      [],
      ana,
    );
    expect(shape(rows)).toEqual(['day', 'message 1', 'day', 'message 2']);
    const days = rows.filter((r) => r.kind === 'day').map((r) => r.key);
    expect(new Set(days).size).toBe(2);
  });

  it('appends my pending sends after the confirmed messages, keyed like their confirmed copy', () => {
    const rows = buildRows(
      [message(1, ben, noon)],
      [
        pending('p1', minutes(noon, 1)),
        pending('p2', minutes(noon, 2), { status: 'failed', error: 'Not sent.' }),
      ],
      ana,
    );
    const mine = rows.flatMap((r) => (r.kind === 'message' ? [r.message] : []));
    expect(mine.map((m) => [m.body, m.status, m.id, m.key])).toEqual([
      ['message 1', 'sent', 'm1', 'u-ben:c1'],
      ['pending p1', 'sending', null, 'u-ana:p1'],
      ['pending p2', 'failed', null, 'u-ana:p2'],
    ]);
    expect(mine[2]?.error).toBe('Not sent.');
    // The confirmed copy of p1 gets the same key, so the row keeps its identity.
    const confirmed = buildRows(
      [message(1, ben, noon), message(2, ana, minutes(noon, 1), { clientId: 'p1' })],
      [],
      ana,
    );
    expect(confirmed.at(-1)?.key).toBe('u-ana:p1');
  });

  it('drops a pending send once its confirmed copy is in the list (no double)', () => {
    const rows = buildRows(
      [message(1, ana, noon, { clientId: 'p1', body: 'hello' })],
      [pending('p1', noon, { body: 'hello' })],
      ana,
    );
    expect(shape(rows)).toEqual(['day', 'hello']);
  });

  it('keeps a clientId that only someone else used (clientIds are per author)', () => {
    const rows = buildRows(
      [message(1, ben, noon, { clientId: 'same' })],
      [pending('same', minutes(noon, 1))],
      ana,
    );
    expect(shape(rows)).toEqual(['day', 'message 1', 'pending same']);
  });
});

describe('dayLabel', () => {
  const now = new Date(2024, 4, 14, 9, 30);
  it('says Today and Yesterday, then the date', () => {
    expect(dayLabel(new Date(2024, 4, 14, 0, 1), now)).toBe('Today');
    expect(dayLabel(new Date(2024, 4, 13, 23, 59), now)).toBe('Yesterday');
    const older = dayLabel(new Date(2024, 4, 10, 12), now);
    expect(older).not.toMatch(/Today|Yesterday|2024/);
    expect(older).toMatch(/10/);
  });
  it('adds the year for another year', () => {
    expect(dayLabel(new Date(2023, 11, 31, 12), now)).toMatch(/2023/);
  });
});
