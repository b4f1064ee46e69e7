import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

it('logs a failed query without its parameters, and never a body or token field', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ logLevel: 'info' }, sink);
  const cause = new Error(
    'Failed query: insert into "messages" ("body") values ($1)\nparams: my secret plan',
  );
  log.error({ err: new Error('procedure failed', { cause }) }, 'procedure failed');
  log.info({ input: { body: 'my secret plan' }, auth: { token: 'pat_secret' } }, 'call');
  const output = lines.join('');
  expect(output).toContain('insert into');
  expect(output).not.toContain('my secret plan');
  expect(output).not.toContain('pat_secret');
});
