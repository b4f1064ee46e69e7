/**
 * Runs the bot: PARLEY_URL=http://localhost:3000 PARLEY_TOKEN=pat_… PARLEY_ROOM=general
 * pnpm --filter @parley/example-bot start
 */
import WebSocket from 'ws';
import { startBot } from './bot.js';

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    console.error(`${name} is required (see examples/bot/README.md).`);
    process.exit(2);
  }
  return value;
}

const bot = await startBot({
  url: required('PARLEY_URL'),
  token: required('PARLEY_TOKEN'),
  room: required('PARLEY_ROOM'),
  WebSocket,
}).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void bot.stop());
}
const how = await bot.stopped;
process.exit(how === 'revoked' ? 3 : 0);
