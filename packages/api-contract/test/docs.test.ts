/**
 * docs/api.md describes every procedure of the router: a `### \`path\`` section saying its
 * kind, with its input, output, errors and an example that calls it the right way. A new
 * procedure without a section, or a section for a procedure that is gone, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../../../apps/api/src/router.js';

const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

type Kind = 'query' | 'mutation' | 'subscription';
const VERB: Record<Kind, string> = {
  query: 'query',
  mutation: 'mutate',
  subscription: 'subscribe',
};
const TITLE: Record<Kind, string> = {
  query: 'Query',
  mutation: 'Mutation',
  subscription: 'Subscription',
};

function routerProcedures(): Map<string, Kind> {
  const found = new Map<string, Kind>();
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const kind: unknown = (procedure as { _def?: { type?: unknown } })._def?.type;
    if (kind !== 'query' && kind !== 'mutation' && kind !== 'subscription') {
      throw new Error(`${path} has an unknown kind ${String(kind)}`);
    }
    found.set(path, kind);
  }
  return found;
}

/** Sections by procedure path: the text from its `### \`path\`` heading to the next heading. */
function docSections(): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of doc.split(/^(?=#{2,3} )/m)) {
    const heading = /^### `([\w.]+)`\s*$/.exec(part.split('\n')[0] ?? '');
    if (heading?.[1]) sections.set(heading[1], part);
  }
  return sections;
}

describe('docs/api.md', () => {
  const procedures = routerProcedures();
  const sections = docSections();

  it('finds the router’s procedures', () => {
    expect(procedures.size).toBeGreaterThan(20);
    expect(procedures.get('messages.send')).toBe('mutation');
    expect(procedures.get('live.roomEvents')).toBe('subscription');
  });

  it('has a section for every procedure, and none for procedures that do not exist', () => {
    const missing = [...procedures.keys()].filter((p) => !sections.has(p));
    const stale = [...sections.keys()].filter((p) => !procedures.has(p));
    expect(missing, 'procedures missing from docs/api.md').toEqual([]);
    expect(stale, 'sections of docs/api.md for procedures that do not exist').toEqual([]);
  });

  it.each([...procedures])(
    'documents %s (%s): kind, input, output, errors, example',
    (path, kind) => {
      const section = sections.get(path) ?? '';
      expect(section, `no section for ${path}`).not.toBe('');
      expect(section).toMatch(new RegExp(`^${TITLE[kind]}, `, 'm'));
      for (const part of ['**Input**', '**Output**', '**Errors**']) expect(section).toContain(part);
      const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      expect(example, `${path} has no example`).toContain(`api.${path}.${VERB[kind]}(`);
    },
  );
});
