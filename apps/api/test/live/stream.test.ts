import { describe, expect, it } from 'vitest';
import { EventStream } from '../../src/live/stream.js';

describe('EventStream', () => {
  it('hands over what was pushed, in order and in batches, to a waiting reader', async () => {
    const stream = new EventStream<number>();
    stream.push(1);
    stream.push(2);
    expect(await stream.take()).toEqual([1, 2]);
    const waiting = stream.take();
    stream.push(3);
    stream.push(4);
    expect(await waiting).toEqual([3, 4]);
  });

  it('ends iteration on close, running each cleanup once, and ignores later pushes', async () => {
    const stream = new EventStream<string>();
    let cleanups = 0;
    stream.onClose(() => cleanups++);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const value of stream) seen.push(value);
    })();
    stream.push('a');
    await new Promise((r) => setTimeout(r, 0));
    stream.close();
    stream.close();
    stream.push('late');
    await reading;
    expect(seen).toEqual(['a']);
    expect(cleanups).toBe(1);
    expect(stream.closed).toBe(true);
    expect(await stream.take()).toEqual([]);
  });

  it('closes when its signal aborts, and at once for a signal already aborted', async () => {
    const controller = new AbortController();
    const stream = new EventStream<number>(controller.signal);
    const waiting = stream.take();
    controller.abort();
    expect(await waiting).toEqual([]);
    expect(stream.closed).toBe(true);

    let released = false;
    const late = new EventStream<number>(AbortSignal.abort());
    late.onClose(() => {
      released = true;
    });
    expect(late.closed).toBe(true);
    expect(released).toBe(true);
  });

  it('stops listening to its signal once closed', () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    };
    const stream = new EventStream<number>(signal);
    expect(listeners).toBe(1);
    stream.close();
    expect(listeners).toBe(0);
  });
});
