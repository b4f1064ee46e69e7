/**
 * The README's "Build a bot" shows examples/bot/src/minimal.ts, which `pnpm typecheck`
 * checks, verbatim and in under 30 lines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const minimal = readFileSync(new URL('../src/minimal.ts', import.meta.url), 'utf8');

describe('README: Build a bot', () => {
  it('shows the minimal bot as it is in examples/bot, in under 30 lines', () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith('Build a bot\n'));
    expect(section, 'README has a "## Build a bot" section').toBeDefined();
    const code = /```ts\n([\s\S]*?)```/.exec(section ?? '')?.[1];
    expect(code).toBe(minimal);
    expect(minimal.trimEnd().split('\n').length).toBeLessThan(30);
  });
});
