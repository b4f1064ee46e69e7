export * from './append-messages.js';
export * from './client.js';
export * from './config.js';
export * from './errors.js';
export * from './migrate.js';
export * from './positions.js';
export * from './raw.js';
export * from './schema.js';
