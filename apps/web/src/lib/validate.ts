import { UNREACHABLE } from './errors';

type Schemas = typeof import('@parley/api-contract/schemas');

/** What a zod schema's `safeParse` gives back, as much of it as a form needs. */
interface Parser<T> {
  safeParse(
    input: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };
}

let schemas: Promise<Schemas> | undefined;

/**
 * The contract's zod schemas, the ones the server validates with. zod weighs ~25 kB gzipped,
 * so it loads on first use (forms call this when they mount) rather than with the first page.
 */
export function loadSchemas(): Promise<Schemas> {
  schemas ??= import('@parley/api-contract/schemas').catch((error: unknown) => {
    schemas = undefined; // offline, or a new deploy replaced the chunk: try again next time
    throw error;
  });
  return schemas;
}

export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

/**
 * Checks what a form holds against one of the contract's input schemas. `required` says what to
 * say about a blank field; every other rule, and its message, is the schema's. On success `data`
 * is the schema's output (trimmed, lower-cased, …): send that.
 */
export async function check<T, F extends string>(
  pick: (schemas: Schemas) => Parser<T>,
  input: Record<F, unknown>,
  required: Partial<Record<F, string>> = {},
): Promise<{ ok: true; data: T } | { ok: false; errors: FieldErrors<F> }> {
  const errors: FieldErrors<F> = {};
  for (const field of Object.keys(required) as F[]) {
    const value = input[field];
    if (typeof value !== 'string' || value.trim() === '') errors[field] = required[field];
  }
  let loaded: Schemas;
  try {
    loaded = await loadSchemas();
  } catch {
    errors.form = UNREACHABLE;
    return { ok: false, errors };
  }
  const result = pick(loaded).safeParse(input);
  if (result.success && Object.keys(errors).length === 0) return { ok: true, data: result.data };
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      const field = (key in input ? key : 'form') as F | 'form';
      errors[field] ??= issue.message;
    }
  }
  return { ok: false, errors };
}

/** A username as people type it: "@ana" means "ana". */
export function typedUsername(raw: string): string {
  return raw.trim().replace(/^@/, '');
}
