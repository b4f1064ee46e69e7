import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// Type-only: erased from the JavaScript, so no server code reaches a consumer. The published
// declarations inline this type (see scripts/build.mjs), so a consumer needs no workspace file.
import type { AppRouter } from '../../../apps/api/src/router.js';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
