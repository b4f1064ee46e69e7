import { TRPCClientError } from '@trpc/client';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestServer } from '../../src/testing.js';
import { clientId, signUp, testConfig } from '../support/harness.js';

const secret = { PARLEY_SECRET: 'config-test-secret-config-test-secret' };

describe('send rate settings', () => {
  it('default to 5 per second with a burst of 15, and are validated', () => {
    expect(loadConfig(secret)).toMatchObject({ sendRatePerSecond: 5, sendBurst: 15 });
    expect(
      loadConfig({ ...secret, PARLEY_SEND_RATE: '200', PARLEY_SEND_BURST: '0' }),
    ).toMatchObject({ sendRatePerSecond: 200, sendBurst: 0 });
    for (const [name, value] of [
      ['PARLEY_SEND_RATE', '0'],
      ['PARLEY_SEND_RATE', 'fast'],
      ['PARLEY_SEND_BURST', '-1'],
      ['PARLEY_SEND_BURST', '2.5'],
    ] as const) {
      expect(() => loadConfig({ ...secret, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...secret, [name]: value })).toThrow(name);
    }
  });

  describe('on a running server', () => {
    const { sendRatePerSecond: _, sendBurst: __, ...config } = testConfig;
    const server = startTestServer({
      config,
      env: { PARLEY_SEND_RATE: '3', PARLEY_SEND_BURST: '0' },
    });
    afterAll(async () => {
      await (await server).close();
    });

    it('limit each sender to PARLEY_SEND_RATE per second', async () => {
      const { url } = await server;
      const ana = await signUp(url, 'rate_ana');
      const room = await ana.client.rooms.create.mutate({ name: 'rate', visibility: 'public' });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ana.client.messages.send
            .mutate({ roomId: room.id, body: `m${i}`, clientId: clientId() })
            .then(
              () => 'ok',
              (error: unknown) =>
                error instanceof TRPCClientError
                  ? `${error.data?.code}: ${error.message} (${typeof error.data?.retryAfterMs})`
                  : error,
            ),
        ),
      );
      expect(results.filter((r) => r === 'ok')).toHaveLength(3);
      for (const refused of results.filter((r) => r !== 'ok')) {
        expect(refused).toMatch(
          /^TOO_MANY_REQUESTS: .* Try again in [\d.]+ seconds?\. \(number\)$/,
        );
      }
      ana.close();
    });
  });
});
