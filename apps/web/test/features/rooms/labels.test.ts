import { describe, expect, it } from 'vitest';
import { beginningOf, roomLabel } from '../../../src/features/rooms/labels';

describe('room labels', () => {
  it('puts # before public rooms only', () => {
    expect(roomLabel({ kind: 'public', name: 'general' })).toBe('#general');
    expect(roomLabel({ kind: 'private', name: 'secret-plans' })).toBe('secret-plans');
    expect(roomLabel({ kind: 'direct', name: 'Cara Diaz' })).toBe('Cara Diaz');
  });

  it('says where a conversation begins in words that fit it', () => {
    expect(beginningOf({ kind: 'direct', name: 'Cara Diaz' })).toBe(
      'This is the beginning of your conversation with Cara Diaz.',
    );
    expect(beginningOf({ kind: 'public', name: 'general' })).toBe(
      'This is the beginning of #general.',
    );
    expect(beginningOf({ kind: 'private', name: 'secret-plans' })).toBe(
      'This is the beginning of secret-plans.',
    );
  });
});
