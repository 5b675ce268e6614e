import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import type { KibanaConfig } from './config';

/**
 * The `sid` session cookie. Real Kibana seals it with `xpack.security.encryptionKey` (hapi iron) and keeps
 * the credentials in its session index; the emulator seals both into the cookie with AES-256-GCM under the
 * same key, which keeps the observable behaviour: a restart with a random key invalidates every session,
 * a fixed key keeps them; the idle timeout and lifespan are enforced server-side.
 */
export interface SessionValue {
  sid: string;
  username: string;
  provider: { type: 'basic'; name: string };
  authorization: string;
  idleTimeoutExpiration: number | null;
  lifespanExpiration: number | null;
}

export class SessionCookies {
  private readonly key: Buffer;

  constructor(
    encryptionKey: string,
    private readonly config: KibanaConfig['security'],
    private readonly secure: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHash('sha256').update(encryptionKey).digest();
  }

  create(username: string, authorization: string, providerName: string): SessionValue {
    const now = this.now();
    const { idleTimeoutMs, lifespanMs } = this.config.session;
    return {
      sid: randomUUID(),
      username,
      provider: { type: 'basic', name: providerName },
      authorization,
      idleTimeoutExpiration: idleTimeoutMs === null ? null : now + idleTimeoutMs,
      lifespanExpiration: lifespanMs === null ? null : now + lifespanMs,
    };
  }

  /** Every authenticated request moves the idle expiration forward, never past the lifespan. */
  extend(session: SessionValue): SessionValue {
    const { idleTimeoutMs } = this.config.session;
    return { ...session, idleTimeoutExpiration: idleTimeoutMs === null ? null : this.now() + idleTimeoutMs };
  }

  isExpired(session: SessionValue): boolean {
    const now = this.now();
    return (session.idleTimeoutExpiration !== null && session.idleTimeoutExpiration <= now) || (session.lifespanExpiration !== null && session.lifespanExpiration <= now);
  }

  seal(session: SessionValue): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  unseal(value: string): SessionValue | undefined {
    try {
      const raw = Buffer.from(value, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as SessionValue;
    } catch {
      return undefined;
    }
  }

  /** Attribute order as hapi/statehood writes it: `sid=…; Secure; HttpOnly; SameSite=Strict; Path=/`. */
  setCookieHeader(session: SessionValue): string {
    return this.serialize(this.seal(session));
  }

  clearCookieHeader(): string {
    return this.serialize('', 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }

  private serialize(value: string, extra?: string): string {
    const parts = [`${this.config.cookieName}=${value}`];
    if (extra) parts.push(extra);
    if (this.secure) parts.push('Secure');
    parts.push('HttpOnly');
    // cookie_session_storage.ts: isSameSite = sameSite === 'None' ? false : sameSite ?? false, then a
    // statehood patch writes `SameSite=None` explicitly.
    if (this.config.sameSiteCookies) parts.push(`SameSite=${this.config.sameSiteCookies}`);
    parts.push('Path=/');
    return parts.join('; ');
  }

  readFromCookieHeader(cookieHeader: string | undefined): SessionValue | undefined {
    if (!cookieHeader) return undefined;
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim() === this.config.cookieName) {
        const value = part.slice(eq + 1).trim();
        return value ? this.unseal(value) : undefined;
      }
    }
    return undefined;
  }
}
