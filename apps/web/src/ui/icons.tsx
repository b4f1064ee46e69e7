import type { ReactNode } from 'react';

/**
 * Inline SVG icons (decorative: the button around them carries the label). Strokes use the
 * text colour, so an icon follows its button's state and the theme.
 */
function Icon({ size, children }: { size: number; children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      stroke="currentColor"
      strokeWidth="2"
      fill="none"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

export function PlusIcon() {
  return (
    <Icon size={18}>
      <path d="M12 5v14M5 12h14" />
    </Icon>
  );
}

export function LockIcon() {
  return (
    <Icon size={13}>
      <rect x="5" y="11" width="14" height="10" rx="2" fill="currentColor" stroke="none" />
      <path d="M8 11V8a4 4 0 0 1 8 0v3" />
    </Icon>
  );
}

export function BackIcon() {
  return (
    <Icon size={20}>
      <path d="M15 5l-7 7 7 7" />
    </Icon>
  );
}

export function SendIcon() {
  return (
    <Icon size={18}>
      <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" stroke="none" />
    </Icon>
  );
}

export function ReplyIcon() {
  return (
    <Icon size={16}>
      <path d="M10 6L4 12l6 6M4 12h10a6 6 0 0 1 6 6v1" />
    </Icon>
  );
}

export function EditIcon() {
  return (
    <Icon size={16}>
      <path d="M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4" />
    </Icon>
  );
}

export function TrashIcon() {
  return (
    <Icon size={16}>
      <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" />
    </Icon>
  );
}

export function GearIcon() {
  return (
    <Icon size={18}>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1" />
    </Icon>
  );
}

export function ThreadIcon() {
  return (
    <Icon size={16}>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
      <path d="M8.5 10.5h7M8.5 14h4.5" />
    </Icon>
  );
}
