// Inline SVG icons (no icon font). Always rendered next to a word: colour and shape
// alone never carry a status.
export type IconName =
  | 'check'
  | 'warning'
  | 'stop'
  | 'clock'
  | 'live'
  | 'reconnect'
  | 'offline'
  | 'play'
  | 'flag'
  | 'back'
  | 'use'
  | 'edit'
  | 'plus'
  | 'close'
  | 'box'
  | 'history'
  | 'user'
  | 'badge'
  | 'scan'
  | 'camera';

const PATHS: Record<IconName, string> = {
  check: 'M4 12.5l5 5L20 6.5',
  warning: 'M12 3L2 20h20L12 3zM12 10v4.5M12 17.2v.3',
  stop: 'M8 2.5h8l5.5 5.5v8L16 21.5H8L2.5 16V8L8 2.5zM7.5 12h9',
  clock: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM12 7v5l3.5 2.5',
  live: 'M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z',
  reconnect: 'M20 12a8 8 0 1 1-2.3-5.6M20 4v5h-5',
  offline: 'M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 12.5a10 10 0 0 1 5-2.6M19 12.5a10 10 0 0 0-2.2-1.6M2 8.5a15 15 0 0 1 4.5-2.8M22 8.5A15 15 0 0 0 11 4.1M12 20h.01',
  play: 'M7 4.5v15l12-7.5L7 4.5z',
  flag: 'M5 21V4h11l-2 4 2 4H5',
  back: 'M10 6l-6 6 6 6M4 12h16',
  use: 'M4 8l8-4 8 4v8l-8 4-8-4V8zM4 8l8 4 8-4M12 12v8',
  edit: 'M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4',
  plus: 'M12 5v14M5 12h14',
  close: 'M6 6l12 12M18 6L6 18',
  box: 'M3 7l9-4 9 4v10l-9 4-9-4V7zM3 7l9 4 9-4M12 11v10',
  history: 'M3.5 12a8.5 8.5 0 1 0 2.5-6M3 4v4.5h4.5M12 7.5V12l3 2',
  user: 'M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8zM4 21c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5',
  badge: 'M5 3h14v18H5zM9 3v3h6V3M12 10a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5zM8.5 18.5c.6-1.6 2-2.5 3.5-2.5s2.9.9 3.5 2.5',
  scan: 'M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4M8 8h3v3H8zM13 13h3v3h-3zM13 8h3M8 13v3',
  camera: 'M4 7h4l2-2.5h4L16 7h4v12H4V7zM12 9.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z',
};

export function Icon({ name, className }: { name: IconName; className?: string }) {
  const filled = name === 'live' || name === 'play';
  return (
    <svg
      className={`icon ${className ?? ''}`}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
