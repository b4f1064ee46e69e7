import { describe, expect, it } from 'vitest';
import { tap } from '../../src/live/tap.js';

async function* numbers(n: number, onFinally: () => void) {
  try {
    for (let i = 1; i <= n; i++) yield i;
  } finally {
    onFinally();
  }
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe('tap', () => {
  it('maps inner layers first and ends every layer once when the source completes', async () => {
    const log: string[] = [];
    const inner = tap(
      numbers(3, () => log.push('source finally')),
      {
        map: (n: number) => n * 10,
        done: () => log.push('inner done'),
        end: () => log.push('inner end'),
      },
    );
    const outer = tap(inner, { map: (n: number) => `#${n}`, end: () => log.push('outer end') });
    expect(await drain(outer)).toEqual(['#10', '#20', '#30']);
    expect(log).toEqual(['source finally', 'inner done', 'inner end', 'outer end']);
  });

  it('ends once on return (unsubscribe) and returns the source', async () => {
    let ends = 0;
    let released = false;
    const tapped = tap(
      numbers(100, () => {
        released = true;
      }),
      { end: () => ends++ },
    );
    expect(await tapped.next()).toEqual({ done: false, value: 1 });
    await tapped.return?.();
    await tapped.return?.();
    expect(ends).toBe(1);
    expect(released).toBe(true);
  });

  it('ends with the error that done throws, and with the source error', async () => {
    let ends = 0;
    const failing = tap(
      numbers(1, () => {}),
      {
        done: () => {
          throw new Error('feed broke');
        },
        end: () => ends++,
      },
    );
    await expect(drain(failing)).rejects.toThrow('feed broke');
    async function* broken() {
      yield 1;
      throw new Error('read failed');
    }
    const tapped = tap(broken(), { end: () => ends++ });
    await expect(drain(tapped)).rejects.toThrow('read failed');
    expect(ends).toBe(2);
  });
});
