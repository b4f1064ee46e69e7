import { expect, it } from 'vitest';
import { fanoutEncoder } from '../../src/live/encoder.js';

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
