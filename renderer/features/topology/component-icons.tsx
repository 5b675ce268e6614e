import type { TopologyNode } from './topology-model.ts';

/** Drawn, not emoji: projector PCs and Linux kiosks often lack an emoji font. */
export function ComponentIcon({ kind }: { kind: TopologyNode['kind'] }) {
  const common = { width: 24, height: 24, viewBox: '0 0 24 24', 'aria-hidden': true, focusable: false } as const;
  switch (kind) {
    case 'host':
      return (
        <svg {...common} fill="none" stroke="currentColor" strokeWidth="2">
          <rect x="3" y="4" width="18" height="12" rx="1.5" />
          <path d="M8 20h8M12 16v4" />
        </svg>
      );
    case 'door':
      return (
        <svg {...common} fill="none" stroke="currentColor" strokeWidth="2.2">
          <rect x="5" y="10" width="14" height="10" rx="2" />
          <path d="M8 10V7a4 4 0 0 1 8 0v3" />
        </svg>
      );
    case 'elasticsearch':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" fill="#00a69b" />
          <rect x="6" y="10.5" width="12" height="3" rx="1.5" fill="#fff" />
        </svg>
      );
    case 'kibana':
      return (
        <svg {...common}>
          <path d="M4 3h16L4 19z" fill="#e8488b" />
          <path d="M4 21c3-5 8-7 14-7L12 21z" fill="#0b64dd" />
        </svg>
      );
    case 'fleet-server':
      return (
        <svg {...common} fill="none" stroke="#1554c0" strokeWidth="2.2">
          <rect x="4" y="3" width="16" height="7" rx="1.5" />
          <rect x="4" y="14" width="16" height="7" rx="1.5" />
          <path d="M8 6.5h.01M8 17.5h.01" strokeLinecap="round" strokeWidth="3" />
        </svg>
      );
    case 'agent':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="8" fill="none" stroke="#1554c0" strokeWidth="2.2" />
          <circle cx="12" cy="12" r="3.2" fill="#1554c0" />
        </svg>
      );
    default:
      return null;
  }
}
