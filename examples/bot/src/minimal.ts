import { createParleyClient } from '@parley/api-contract';
import WebSocket from 'ws';

const { PARLEY_URL = '', PARLEY_TOKEN = '', PARLEY_ROOM = '' } = process.env;
const { api } = createParleyClient({ url: PARLEY_URL, token: PARLEY_TOKEN, WebSocket });
const me = await api.auth.me.query();
const [room] = await api.rooms.browse.query({ search: PARLEY_ROOM });
if (!me || !room) throw new Error('Check PARLEY_TOKEN and PARLEY_ROOM (a public room).');
await api.rooms.join.mutate({ roomId: room.id });
const answer = (body: string, author: string): string | null => {
  const [, count, sides] = /^\/roll (\d{1,2})d(\d{1,4})$/.exec(body) ?? [];
  if (count && sides) {
    const dice = Array.from({ length: +count }, () => 1 + Math.floor(Math.random() * +sides));
    return `🎲 ${dice.join(' + ')} = ${dice.reduce((a, b) => a + b, 0)}`;
  }
  if (body === '/time') return `🕒 ${new Date().toISOString()}`;
  return body.includes(`@${me.username}`) ? `Hi @${author}!` : null;
};
api.live.roomEvents.subscribe(
  { roomId: room.id },
  {
    onData: ({ data: { type, message } }) => {
      const body = answer(message.body, message.author.username);
      if (type !== 'message.created' || message.author.id === me.id || !body) return;
      const reply = { roomId: room.id, body, clientId: `re-${message.id}`, replyToId: message.id };
      void api.messages.send.mutate(reply);
    },
  },
);
