/** Initials on a colour derived from the user id: no images to load. */
export function Avatar({
  user,
  size = 36,
}: {
  user: { id: string; displayName: string };
  size?: number;
}) {
  let hash = 0;
  for (const ch of user.id) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  const hue = Math.abs(hash) % 360;
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
        background: `hsl(${hue} 55% 48%)`,
      }}
    >
      {initials}
    </span>
  );
}
