import { type Encoder, jsonEncoder } from '@trpc/server/adapters/ws';

/**
 * tRPC's JSON wire encoding, with one saving for fan-out: an event published once and
 * delivered to many subscribers is the same object in every subscriber's envelope, so its
 * JSON is computed once and spliced into each envelope (which differ only in ids).
 */
const serialized = new WeakMap<object, string>();

/**
 * An event's JSON, computed once per event object, and shared by everything that sends it: the
 * Redis bus's publish and every local subscriber's frame (live/redis-bus.ts, room-fanout.ts).
 */
export function eventJson(payload: object): string {
  let json = serialized.get(payload);
  if (json === undefined) {
    json = JSON.stringify(payload);
    serialized.set(payload, json);
  }
  return json;
}

/**
 * An event decoded from `json` (received from another node): its JSON is that string, so the
 * local subscribers' frames splice it in rather than encode the event again.
 */
export function withEventJson<T extends object>(payload: T, json: string): T {
  serialized.set(payload, json);
  return payload;
}

interface TrackedEnvelope {
  id: string | number | null;
  jsonrpc?: '2.0';
  result: { type: 'data'; id: string; data: { id: string; data: object } };
}

function isTrackedEnvelope(message: unknown): message is TrackedEnvelope {
  const result = (message as { result?: { type?: unknown; id?: unknown; data?: unknown } })?.result;
  const data = result?.data as { id?: unknown; data?: unknown } | undefined;
  return (
    result?.type === 'data' &&
    typeof result.id === 'string' &&
    typeof data?.id === 'string' &&
    typeof data.data === 'object' &&
    data.data !== null &&
    result.id === data.id
  );
}

/**
 * A tracked data frame is `prefix + tail`: the prefix holds what is the subscriber's (its
 * request id), the tail what is the event's. Exactly what tRPC's ws adapter sends for
 * `tracked(id, data)`, so @trpc/client reads frames written straight to the socket too.
 */
export function dataFramePrefix(requestId: string | number | null, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(requestId)}${jsonrpc ? ',"jsonrpc":"2.0"' : ''},"result":{"type":"data","id":`;
}

export function dataFrameTail(eventId: string, payload: object): string {
  const id = JSON.stringify(eventId);
  return `${id},"data":{"id":${id},"data":${eventJson(payload)}}}}`;
}

/** The request behind a live.roomEvents subscription, by its input object (see `decode`). */
export interface SubscriptionRequest {
  id: string | number;
  jsonrpc: boolean;
}
const requests = new WeakMap<object, SubscriptionRequest>();

/**
 * The wire request of a live.roomEvents subscription, given the raw input its resolver got
 * (`getRawInput()`), so the server can write that subscription's frames itself. Undefined
 * when unknown (then it goes through tRPC's iterator, as any subscription).
 */
export function subscriptionRequestOf(rawInput: unknown): SubscriptionRequest | undefined {
  return typeof rawInput === 'object' && rawInput !== null ? requests.get(rawInput) : undefined;
}

interface SubscriptionMessage {
  id: string | number;
  jsonrpc?: unknown;
  method: 'subscription';
  params: { path: 'live.roomEvents'; input: Record<string, unknown>; lastEventId?: unknown };
}

function isRoomEventsSubscription(message: unknown): message is SubscriptionMessage {
  const m = message as { id?: unknown; method?: unknown; params?: Record<string, unknown> };
  const input = m?.params?.input;
  return (
    m?.method === 'subscription' &&
    (typeof m.id === 'string' || typeof m.id === 'number') &&
    m.params?.path === 'live.roomEvents' &&
    typeof input === 'object' &&
    input !== null &&
    !Array.isArray(input)
  );
}

function remember(message: unknown): void {
  if (!isRoomEventsSubscription(message)) return;
  const { params } = message;
  // tRPC copies the input to add a lastEventId; fold it in here so the resolver gets this
  // very object (the same input either way).
  if (params.lastEventId !== undefined && typeof params.lastEventId === 'string') {
    params.input = { ...params.input, lastEventId: params.lastEventId };
    params.lastEventId = undefined;
  }
  requests.set(params.input, { id: message.id, jsonrpc: message.jsonrpc === '2.0' });
}

export const fanoutEncoder: Encoder = {
  encode(message) {
    if (!isTrackedEnvelope(message)) return jsonEncoder.encode(message);
    const prefix = dataFramePrefix(message.id, message.jsonrpc !== undefined);
    return prefix + dataFrameTail(message.result.id, message.result.data.data);
  },
  decode(data) {
    const message = jsonEncoder.decode(data);
    if (Array.isArray(message)) message.forEach(remember);
    else remember(message);
    return message;
  },
};
