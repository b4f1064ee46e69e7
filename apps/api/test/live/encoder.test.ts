import type { RoomEvent } from '@parley/api-contract/schemas';
import { expect, it } from 'vitest';
import { dataFramePrefix, fanoutEncoder } from '../../src/live/encoder.js';
import { SharedFrame } from '../../src/live/room-fanout.js';

const envelope = (id: number, eventId: string, data: object, jsonrpc?: '2.0') => ({
  id,
  ...(jsonrpc ? { jsonrpc } : {}),
  result: { type: 'data', id: eventId, data: { id: eventId, data } },
});

it('encodes exactly what JSON.stringify would, serialising a shared event once', () => {
  let serialisations = 0;
  const event = {
    type: 'message.created',
    position: 7,
    message: { body: 'He said "hi" \\ \u2028 ünïcode', replyTo: null },
    toJSON() {
      serialisations++;
      const { toJSON: _, ...rest } = this;
      return rest;
    },
  };
  const first = envelope(1, '7', event);
  const second = envelope(42, '7', event, '2.0');
  const encoded = [first, second].map((message) => String(fanoutEncoder.encode(message)));
  expect(serialisations).toBe(1);
  expect(encoded.map((text) => JSON.parse(text))).toEqual(
    [first, second].map((message) => JSON.parse(JSON.stringify(message))),
  );
});

it('leaves every other message to plain JSON', () => {
  const others = [
    { id: 3, result: { type: 'started' } },
    { id: 4, error: { code: -32600, message: 'bad' } },
    { id: 5, result: { type: 'data', data: { plain: true } } },
    { id: null, method: 'reconnect' },
  ];
  for (const message of others) {
    expect(fanoutEncoder.encode(message)).toBe(JSON.stringify(message));
  }
});

it('gives subscribers with the same request id one shared message buffer, byte for byte what tRPC sends', () => {
  const event = {
    type: 'message.created',
    position: 3,
    message: { body: 'hello', replyTo: null },
  } as unknown as RoomEvent;
  const frame = new SharedFrame(event);
  const one = dataFramePrefix(1, false);
  const other = dataFramePrefix('sub-9', true);
  // The same buffer for every subscriber whose prefix is the same: no copy per delivery.
  expect(frame.message(one)).toBe(frame.message(one));
  expect(frame.message(other)).not.toBe(frame.message(one));
  expect(String(frame.message(one))).toBe(String(fanoutEncoder.encode(envelope(1, '3', event))));
  expect(String(frame.message(other))).toBe(
    String(fanoutEncoder.encode({ ...envelope(0, '3', event, '2.0'), id: 'sub-9' })),
  );
});
