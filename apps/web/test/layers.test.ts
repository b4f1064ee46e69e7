/**
 * The web app's import rules (docs/architecture.md, "Web app"): app → features → lib/ui, and
 * features import each other only where listed. Cycles are Biome's noImportCycles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

/** The part a file belongs to: app, lib, ui, features/<name>, or main. */
function partOf(file: string): string {
  const [top, feature] = path.relative(src, file).split(path.sep);
  if (top === 'features') return `features/${feature}`;
  return top?.includes('.') ? 'main' : (top ?? '');
}

const MAY_IMPORT: Record<string, readonly string[]> = {
  main: ['app'],
  app: [
    'lib',
    'ui',
    'features/auth',
    'features/rooms',
    'features/room',
    'features/messages',
    'features/settings',
    'features/admin',
    'features/search',
    'features/mentions',
    'features/notifications',
  ],
  lib: [],
  ui: ['lib'],
  'features/auth': ['lib', 'ui'],
  'features/rooms': ['lib', 'ui'],
  // Reaction chips under a message, :shortcode: and @ completion in the composer.
  'features/messages': ['lib', 'ui', 'features/reactions', 'features/mentions'],
  'features/reactions': ['lib', 'ui'],
  // The thread panel shows messages as the room does (rows, composer, outbox, reactions).
  'features/threads': ['lib', 'ui', 'features/messages', 'features/reactions'],
  'features/search': ['lib', 'ui'],
  'features/mentions': ['lib', 'ui'],
  'features/notifications': ['lib', 'ui'],
  'features/room': ['lib', 'ui', 'features/rooms', 'features/messages', 'features/threads'],
  // A new display name is auth.me's, written by features/auth (the one writer).
  // …and the desktop-notification permission is asked from Settings.
  'features/settings': ['lib', 'ui', 'features/auth', 'features/notifications'],
  'features/admin': ['lib', 'ui'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe('apps/web/src import rules', () => {
  const files = sourceFiles(src);

  it('puts every file in a known part', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(Object.keys(MAY_IMPORT)).toContain(partOf(file));
  });

  it('imports only downward (app → features → lib, ui) and between the features listed', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = partOf(file);
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']*)'/g)) {
        const to = partOf(path.resolve(path.dirname(file), spec ?? ''));
        if (to !== from && !MAY_IMPORT[from]?.includes(to)) {
          wrong.push(`${path.relative(src, file)} imports ${spec} (${from} → ${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
