import { describe, expect, it } from 'vitest';
import { AVATAR_COLORS, avatarColor } from '../../src/ui/Avatar';

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r = 0, g = 0, bl = 0] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

describe('avatar colours', () => {
  it('carry white initials at 4.5:1 or more (WCAG AA), every one of them', () => {
    for (const colour of AVATAR_COLORS) {
      expect(contrast('#ffffff', colour), colour).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21);
  });

  it('gives a user the same colour every time, and spreads users over the palette', () => {
    expect(avatarColor('u-ana')).toBe(avatarColor('u-ana'));
    const used = new Set(Array.from({ length: 200 }, (_, i) => avatarColor(`user-${i}`)));
    expect(used.size).toBe(AVATAR_COLORS.length);
  });
});
