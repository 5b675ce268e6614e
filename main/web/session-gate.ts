import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'seclab_session';

/**
 * Jupyter's scheme: the printed URL carries a one-time token; whoever opens it first gets an
 * HttpOnly, SameSite=Strict session cookie, and the token is spent. Nothing is served without
 * the cookie.
 */
export interface SessionGate {
  readonly token: string;
  /** Spends the token; returns a new session id, or why it was refused. */
  redeem(candidate: string): { session: string } | { refused: 'used' | 'wrong' };
  isValidSession(cookieHeader: string | undefined): boolean;
  cookieFor(session: string): string;
}

export function createSessionGate(random: (size: number) => Buffer = randomBytes): SessionGate {
  const token = random(24).toString('hex');
  let tokenSpent = false;
  const sessions = new Set<string>();
  return {
    token,
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
