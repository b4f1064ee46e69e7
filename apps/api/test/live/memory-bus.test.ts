import type { UserEvent } from '@parley/api-contract/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/live/memory-bus.js';

const removed = (roomId: string): UserEvent => ({ type: 'room.removed', roomId });

describe('MemoryBus', () => {
  it('delivers to the listeners of that topic and key only, in subscription order', () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    bus.subscribe('user', 'ana', (e) => seen.push(`first ${e.type}`));
    bus.subscribe('user', 'ana', (e) => seen.push(`second ${e.type}`));
    bus.subscribe('user', 'ben', () => seen.push('ben'));
    bus.subscribe('auth', 'ana', () => seen.push('auth'));
    bus.publish('user', 'ana', removed('r1'));
    expect(seen).toEqual(['first room.removed', 'second room.removed']);
  });

  it('gives every listener the same event object (the encoder serialises it once)', () => {
    const bus = new MemoryBus();
    const got: UserEvent[] = [];
    bus.subscribe('user', 'ana', (e) => got.push(e));
    bus.subscribe('user', 'ana', (e) => got.push(e));
    const event = removed('r1');
    bus.publish('user', 'ana', event);
    expect(got).toHaveLength(2);
    expect(got[0]).toBe(event);
    expect(got[1]).toBe(event);
  });

  it('keeps delivering to the rest when one listener throws', () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    bus.subscribe('user', 'ana', () => {
      throw new Error('faulty listener');
    });
    bus.subscribe('user', 'ana', () => seen.push('delivered'));
    expect(() => bus.publish('user', 'ana', removed('r1'))).not.toThrow();
    expect(seen).toEqual(['delivered']);
  });

  it('counts listeners; unsubscribing is idempotent and frees the channel', () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    const first = bus.subscribe('user', 'ana', () => seen.push('first'));
    const second = bus.subscribe('user', 'ana', () => seen.push('second'));
    expect(bus.listenerCount()).toBe(2);
    first();
    first();
    expect(bus.listenerCount()).toBe(1);
    bus.publish('user', 'ana', removed('r1'));
    expect(seen).toEqual(['second']);
    second();
    expect(bus.listenerCount()).toBe(0);
    bus.publish('user', 'ana', removed('r2'));
    expect(seen).toEqual(['second']);
  });

  it('drops every listener on close', async () => {
    const bus = new MemoryBus();
    let calls = 0;
    bus.subscribe('user', 'ana', () => calls++);
    await bus.close();
    expect(bus.listenerCount()).toBe(0);
    bus.publish('user', 'ana', removed('r1'));
    expect(calls).toBe(0);
  });
});
