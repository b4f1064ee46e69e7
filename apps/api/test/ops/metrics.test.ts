/**
 * /metrics: Prometheus text on its own listener only (and none without PARLEY_METRICS_PORT);
 * sending a message moves the counters, a subscription shows while it runs, a rate-limited
 * send counts as a refusal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientId,
  collect,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
  waitFor,
} from '../support/harness.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The text exposition format: `# HELP`/`# TYPE` lines and `name{label="value",…} number`
 * (numbers as Go's ParseFloat reads them, which takes NaN and Inf in any case).
 */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] ?? '', type[2] ?? '');
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?[\d.e+-]+|nan|[+-]inf)$/i.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key ?? ''] = value ?? '';
    }
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  for (const { name } of samples) {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(name) && !types.has(base)) throw new Error(`${name} has no # TYPE`);
  }
  return { samples, types };
}

async function scrape(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const { samples, types } = parse(await res.text());
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name)
      .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((n, s) => n + s.value, 0);
  const has = (name: string) => samples.some((s) => s.name === name);
  return { value, has, types };
}

/** Whether the public port answers /metrics with metrics (it may serve the web app there). */
async function publicMetrics(url: string): Promise<boolean> {
  const res = await fetch(`${url}/metrics`);
  return res.ok && (await res.text()).includes('parley_');
}

const ops = (metricsPort: number | undefined) => ({
  ops: { migrate: undefined, metricsPort, metricsHost: '127.0.0.1', shutdownDrainMs: 0 },
});

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('metrics', () => {
  it('are not served at all without PARLEY_METRICS_PORT, nor ever on the public port', async () => {
    server = await startServer(ops(undefined));
    expect(server.app.metricsUrl).toBeUndefined();
    expect(await publicMetrics(server.url)).toBe(false);
  });

  it('parse as Prometheus text and move when a message is sent and delivered', async () => {
    server = await startServer({ ...ops(0), sendRatePerSecond: 1, sendBurst: 5 });
    const metricsUrl = server.app.metricsUrl ?? '';
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(await publicMetrics(server.url)).toBe(false);

    const initial = await scrape(metricsUrl);
    expect(initial.types.get('parley_send_duration_seconds')).toBe('histogram');
    expect(initial.types.get('parley_messages_sent_total')).toBe('counter');
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'parley_websocket_connections',
      'parley_db_pool_size',
      'parley_db_pool_in_use',
      'parley_db_pool_waiting',
    ]) {
      expect(initial.has(name), name).toBe(true);
    }
    expect(initial.value('parley_db_pool_size')).toBeGreaterThanOrEqual(1);
    expect(initial.value('parley_messages_sent_total')).toBe(0);

    const ana = await signUp(server.url);
    const ben = await signUp(server.url);
    const room = await shareRoom(ana, ben, 'metrics');
    // Resuming from 0, so that a message sent before the server has attached the live feed
    // still arrives (from the log); once the first has arrived, the feed is surely live.
    const watching = collect(ben, room.id, '0');
    await waitFor(watching.started, 'the subscription to start');
    const during = await scrape(metricsUrl);
    expect(during.value('parley_subscriptions_active', { procedure: 'live.roomEvents' })).toBe(1);
    expect(during.value('parley_websocket_connections')).toBeGreaterThanOrEqual(1);
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'first', clientId: clientId() });
    await waitFor(() => watching.created().includes('first'), 'the first message to arrive');

    const before = await scrape(metricsUrl);
    await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'counted',
      clientId: clientId(),
    });
    await waitFor(() => watching.created().includes('counted'), 'the message to arrive');
    const after = await scrape(metricsUrl);
    const moved = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(after.value('parley_messages_sent_total')).toBe(2);
    expect(moved('parley_messages_sent_total')).toBe(1);
    expect(moved('parley_send_duration_seconds_count')).toBe(1);
    expect(moved('parley_send_duration_seconds_sum')).toBeGreaterThan(0);
    expect(moved('parley_deliveries_total', { procedure: 'live.roomEvents' })).toBe(1);
    // Published after the feed was live: its fan-out was timed.
    expect(moved('parley_fanout_duration_seconds_count')).toBe(1);

    // Sending as fast as possible (one a second and a burst of five allowed), Ben is refused
    // within a few sends, and the refusal is counted.
    let accepted = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const refusedNow = await ben.client.messages.send
        .mutate({ roomId: room.id, body: `quick ${attempt}`, clientId: clientId() })
        .then(
          () => false,
          (err: Error) => /faster than Parley allows/.test(err.message),
        );
      if (refusedNow) break;
      accepted++;
    }
    const refused = await scrape(metricsUrl);
    expect(refused.value('parley_rate_limit_refusals_total', { procedure: 'messages.send' })).toBe(
      1,
    );
    expect(refused.value('parley_messages_sent_total')).toBe(2 + accepted);
    expect(accepted).toBeGreaterThanOrEqual(5);

    watching.stop();
    let ended = -1;
    const deadline = Date.now() + 10_000;
    while (ended !== 0 && Date.now() < deadline) {
      ended = (await scrape(metricsUrl)).value('parley_subscriptions_active', {
        procedure: 'live.roomEvents',
      });
    }
    expect(ended).toBe(0);
    for (const person of [ana, ben]) person.close();
  });
});
