export * from './client.js';
export * from './errors.js';
export * from './limits.js';
export * from './schemas.js';
export type { AppRouter, RouterInputs, RouterOutputs } from './types.js';
