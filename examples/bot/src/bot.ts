/**
 * A small Parley bot: it joins one room and answers `/roll NdM`, `/time` and mentions of its
 * name. It uses nothing but @parley/api-contract: typed calls over HTTP, room events over one
 * WebSocket that reconnects and resumes by itself.
 */
import {
  createParleyClient,
  type MessageView,
  type RouterOutputs,
  type WebSocketConstructor,
} from '@parley/api-contract';

export interface BotOptions {
  /** The Parley server, e.g. `http://localhost:3000`. */
  url: string;
  /** A bot token (`pat_…`) created by the bot's account in Settings → Bot tokens. */
  token: string;
  /** A room id, or the name of a public room. */
  room: string;
  /** Node 20 has no global WebSocket: pass `ws`. */
  WebSocket?: WebSocketConstructor;
  log?: (line: string) => void;
  random?: () => number;
  now?: () => Date;
}

export interface RunningBot {
  me: NonNullable<RouterOutputs['auth']['me']>;
  roomId: string;
  /** Settles when the bot stops: after stop(), or when its token is revoked. */
  stopped: Promise<'stopped' | 'revoked'>;
  stop(): Promise<void>;
}

const ROLL = /^\/roll(?:\s+(\d{1,2})d(\d{1,4}))?\s*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The bot's answer to a message, or null when it has nothing to say. */
export function answer(
  message: Pick<MessageView, 'body' | 'author'>,
  username: string,
  random: () => number = Math.random,
  now: () => Date = () => new Date(),
): string | null {
  const text = message.body.trim();
  const roll = ROLL.exec(text);
  if (roll) {
    const count = Number(roll[1] ?? 1);
    const sides = Number(roll[2] ?? 6);
    if (count < 1 || count > 20 || sides < 2) return 'I roll 1–20 dice of 2 or more sides.';
    const dice = Array.from({ length: count }, () => 1 + Math.floor(random() * sides));
    const total = dice.reduce((a, b) => a + b, 0);
    return `🎲 ${count}d${sides}: ${dice.join(' + ')} = ${total}`;
  }
  if (/^\/time\s*$/i.test(text)) return `🕒 ${now().toISOString()}`;
  const mention = new RegExp(`(^|[^\\w@])@${username}(?![\\w])`, 'i');
  if (mention.test(text)) {
    return `Hi @${message.author.username}! Try /roll 2d6 or /time.`;
  }
  return null;
}

async function findRoom(
  api: ReturnType<typeof createParleyClient>['api'],
  room: string,
): Promise<string> {
  if (UUID.test(room)) return (await api.rooms.join.mutate({ roomId: room })).id;
  const matches = await api.rooms.browse.query({ search: room });
  const found = matches.find((r) => r.name.toLowerCase() === room.toLowerCase());
  if (!found) throw new Error(`There is no public room called “${room}”.`);
  return (await api.rooms.join.mutate({ roomId: found.id })).id;
}

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const log = options.log ?? ((line: string) => console.log(line));
  let onRevoked: () => void = () => {};
  const { api, close } = createParleyClient({
    url: options.url,
    token: options.token,
    WebSocket: options.WebSocket,
    onOpen: () => log('connected'),
    onClose: (code) => log(`disconnected (${code ?? 'no code'}); reconnecting`),
    onRevoked: () => onRevoked(),
  });

  const me = await api.auth.me.query();
  if (!me) {
    await close();
    throw new Error('The token was not accepted (revoked, or not a Parley token).');
  }
  const roomId = await findRoom(api, options.room);

  // Replies go out one at a time, in the order the messages came. A reply's clientId comes
  // from the message it answers, so an event seen twice still gets a single reply.
  let queue = Promise.resolve();
  const respond = (message: MessageView) => {
    if (message.author.id === me.id) return;
    const text = answer(message, me.username, options.random, options.now);
    if (text === null) return;
    queue = queue.then(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await api.messages.send.mutate({
            roomId,
            body: text,
            clientId: `reply-${message.id}`,
            replyToId: message.id,
          });
          return;
        } catch (err) {
          if (attempt >= 5) {
            log(`could not answer ${message.id}: ${String(err)}`);
            return;
          }
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        }
      }
    });
  };

  let resolveStopped: (how: 'stopped' | 'revoked') => void = () => {};
  const stopped = new Promise<'stopped' | 'revoked'>((resolve) => {
    resolveStopped = resolve;
  });
  const subscription = api.live.roomEvents.subscribe(
    { roomId },
    {
      onStarted: () => log(`listening in ${roomId}`),
      onData: ({ data }) => {
        if (data.type === 'message.created') respond(data.message);
      },
      onError: (err) => log(`subscription failed: ${err.message}`),
    },
  );
  onRevoked = () => {
    log('the token was revoked; stopping');
    subscription.unsubscribe();
    resolveStopped('revoked');
  };
  log(`ready as @${me.username} in ${options.room}`);

  return {
    me,
    roomId,
    stopped,
    stop: async () => {
      subscription.unsubscribe();
      await queue;
      await close();
      resolveStopped('stopped');
    },
  };
}
