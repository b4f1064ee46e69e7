/**
 * Avatar colours: one hue every 30°, each dark enough for white initials at 4.5:1 or more
 * (test/ui/avatar.test.ts checks it).
 */
export const AVATAR_COLORS = [
  '#be3737',
  '#9e662e',
  '#777722',
  '#527e25',
  '#278627',
  '#268254',
  '#257e7e',
  '#3678ba',
  '#3737be',
  '#7a37be',
  '#be37be',
  '#be377a',
] as const;

/** A user's colour, the same wherever they appear. */
export function avatarColor(userId: string): string {
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return AVATAR_COLORS[Math.abs(hash) % AVATAR_COLORS.length] ?? AVATAR_COLORS[0];
}

/** Initials on a colour derived from the user id: no images to load. */
export function Avatar({
  user,
  size = 36,
}: {
  user: { id: string; displayName: string };
  size?: number;
}) {
  const initials =
    user.displayName
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join('') || '?';
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: size * 0.4,
        background: avatarColor(user.id),
      }}
    >
      {initials}
    </span>
  );
}
