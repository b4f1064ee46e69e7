import { type Encoder, jsonEncoder } from '@trpc/server/adapters/ws';

/**
 * tRPC's JSON wire encoding, with one saving for fan-out: an event published once and
 * delivered to many subscribers is the same object in every subscriber's envelope, so its
 * JSON is computed once and spliced into each envelope (which differ only in ids).
 */
const serialized = new WeakMap<object, string>();

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
    data.data !== null
  );
}

export const fanoutEncoder: Encoder = {
  encode(message) {
    if (!isTrackedEnvelope(message)) return jsonEncoder.encode(message);
    const payload = message.result.data.data;
    let json = serialized.get(payload);
    if (json === undefined) {
      json = JSON.stringify(payload);
      serialized.set(payload, json);
    }
    const id = JSON.stringify(message.id);
    const jsonrpc = message.jsonrpc === undefined ? '' : ',"jsonrpc":"2.0"';
    const resultId = JSON.stringify(message.result.id);
    const dataId = JSON.stringify(message.result.data.id);
    return `{"id":${id}${jsonrpc},"result":{"type":"data","id":${resultId},"data":{"id":${dataId},"data":${json}}}}`;
  },
  decode: jsonEncoder.decode,
};
