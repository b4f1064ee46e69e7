import { authRouter } from './auth/router.js';
import { liveRouter } from './live/router.js';
import { messagesRouter } from './messages/router.js';
import { roomsRouter } from './rooms/router.js';
import { tokensRouter } from './tokens/router.js';
import { router } from './trpc.js';
import { adminRouter } from './workspace/router.js';

export const appRouter = router({
  auth: authRouter,
  rooms: roomsRouter,
  messages: messagesRouter,
  live: liveRouter,
  tokens: tokensRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
