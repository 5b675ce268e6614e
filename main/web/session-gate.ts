import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'seclab_session';
/** The request header that carries the page key on every /api call and on the event stream. */
export const PAGE_KEY_HEADER = 'x-seclab-key';

/**
 * Jupyter's scheme, plus a second secret outside cookies: the printed URL carries a one-time
 * token in its query and a page key in its fragment. Whoever opens it first gets an HttpOnly,
 * SameSite=Strict session cookie, and the token is spent. Nothing is served without the cookie.
 *
 * The cookie alone authorises no API call: browsers send it to every port of 127.0.0.1 (cookies
 * ignore ports, and SameSite counts other ports as the same site), so any local program a page
 * talks to receives it. The page key never leaves the fragment for the network; the renderer
 * keeps it in sessionStorage (per origin, so per port) and sends it as a header.
 */
export interface SessionGate {
  readonly token: string;
  readonly pageKey: string;
  /** Spends the token; returns a new session id, or why it was refused. */
  redeem(candidate: string): { session: string } | { refused: 'used' | 'wrong' };
  isValidSession(cookieHeader: string | undefined): boolean;
  isValidPageKey(header: string | string[] | undefined): boolean;
  cookieFor(session: string): string;
}

export function createSessionGate(random: (size: number) => Buffer = randomBytes): SessionGate {
  const token = random(24).toString('hex');
  const pageKey = random(32).toString('hex');
  let tokenSpent = false;
  const sessions = new Set<string>();
  return {
    token,
    pageKey,
    redeem(candidate) {
      if (!sameSecret(candidate, token)) return { refused: 'wrong' };
      if (tokenSpent) return { refused: 'used' };
      tokenSpent = true;
      const session = random(32).toString('hex');
      sessions.add(session);
      return { session };
    },
    isValidSession(cookieHeader) {
      const session = readCookie(cookieHeader, SESSION_COOKIE);
      return session !== undefined && [...sessions].some((known) => sameSecret(session, known));
    },
    isValidPageKey: (header) => typeof header === 'string' && sameSecret(header, pageKey),
    cookieFor: (session) => `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
  };
}

function sameSecret(candidate: string, secret: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
