import { type Screen, screenHref, useScreenRoute } from '../../lib/route';
import type { Me } from './session';

/** Settings and, for the workspace owner, Admin: links between the two screens. */
export function ScreenTabs({ me }: { me: Me }) {
  const screen = useScreenRoute();
  if (me.role !== 'owner') return null;
  const tabs: { to: Screen; label: string }[] = [
    { to: 'settings', label: 'Settings' },
    { to: 'admin', label: 'Admin' },
  ];
  return (
    <nav className="page-tabs" aria-label="Account and workspace">
      {tabs.map(({ to, label }) => (
        <a key={to} href={screenHref(to)} aria-current={screen === to ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}
