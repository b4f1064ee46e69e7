export { type AppOptions, createApp, type RunningApp } from './app.js';
export { type Config, loadConfig } from './config.js';
export type { AppRouter } from './router.js';
