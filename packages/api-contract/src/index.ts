import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// Type-only: erased from the JavaScript, so no server code reaches a consumer.
import type { AppRouter } from '../../../apps/api/src/router.js';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export * from './limits.js';
export * from './schemas.js';
