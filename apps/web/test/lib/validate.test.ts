import { LIMITS } from '@parley/api-contract/limits';
import { describe, expect, it } from 'vitest';
import { check, typedUsername } from '../../src/lib/validate';

const required = { username: 'Enter your username.', password: 'Enter your password.' };

describe('check (forms against the contract schemas)', () => {
  it('says what is missing first, then what the schema says about the rest', async () => {
    const result = await check(
      (s) => s.authInputs.signUp,
      { username: '  ', password: 'short', displayName: undefined },
      required,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        username: 'Enter your username.',
        password: expect.stringContaining(String(LIMITS.passwordMin)),
      },
    });
  });

  it("uses the schema's rules and messages, the ones the server would answer with", async () => {
    const result = await check(
      (s) => s.authInputs.signUp,
      { username: 'no spaces', password: 'long enough pw', displayName: 'x'.repeat(65) },
      required,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.username).toMatch(/letters, digits and _/);
    expect(result.errors.displayName).toMatch(String(LIMITS.displayNameMax));
    expect(result.errors.password).toBeUndefined();
  });

  it("gives the schema's output to send: trimmed, lower-cased", async () => {
    const result = await check(
      (s) => s.roomInputs.openDirect,
      { username: typedUsername('  @Ana_B ') },
      { username: 'Enter a username.' },
    );
    expect(result).toEqual({ ok: true, data: { username: 'ana_b' } });
    const room = await check(
      (s) => s.roomInputs.create,
      { name: '  design  ', visibility: 'private' },
      { name: 'Give the room a name.' },
    );
    expect(room).toEqual({ ok: true, data: { name: 'design', visibility: 'private' } });
  });

  it('puts a problem with no field of its own on the form', async () => {
    const result = await check((s) => s.roomInputs.invite, { username: 'ana' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.form).toBeTruthy();
  });
});
