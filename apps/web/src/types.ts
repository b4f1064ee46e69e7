import type { AppRouter } from '@parley/api-contract';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type Me = NonNullable<RouterOutputs['auth']['me']>;
export type RoomSummary = RouterOutputs['rooms']['list'][number];
export type HistoryPage = RouterOutputs['messages']['history'];
export type MessageView = HistoryPage['items'][number];
export type Member = RouterOutputs['rooms']['members'][number];
export type PublicRoom = RouterOutputs['rooms']['browse'][number];
