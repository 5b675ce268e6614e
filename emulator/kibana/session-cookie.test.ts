import { describe, expect, it } from 'vitest';
import { SessionCookies } from './session-cookie';

const security = (sameSiteCookies?: 'Strict' | 'Lax' | 'None') => ({
  cookieName: 'sid',
  secureCookies: false,
  sameSiteCookies,
  session: { idleTimeoutMs: 2000, lifespanMs: 10_000 },
});

describe('session cookie', () => {
  it('writes hapi’s attribute order and only the configured SameSite', () => {
    const secure = new SessionCookies('k'.repeat(32), security('Strict'), true);
    const header = secure.setCookieHeader(secure.create('u', 'Basic x', 'basic'));
    expect(header).toMatch(/^sid=[\w-]+; Secure; HttpOnly; SameSite=Strict; Path=\/$/);
    const plain = new SessionCookies('k'.repeat(32), security(), false);
    expect(plain.setCookieHeader(plain.create('u', 'Basic x', 'basic'))).toMatch(/^sid=[\w-]+; HttpOnly; Path=\/$/);
  });

  it('enforces idle timeout and lifespan, and only opens with the same key', () => {
    let now = 0;
    const cookies = new SessionCookies('k'.repeat(32), security('Lax'), true, () => now);
    const session = cookies.create('u', 'Basic x', 'basic');
    const value = cookies.seal(session);
    expect(cookies.unseal(value)?.username).toBe('u');
    expect(new SessionCookies('z'.repeat(32), security('Lax'), true).unseal(value)).toBeUndefined();
    now = 1500;
    const extended = cookies.extend(session);
    now = 3000;
    expect(cookies.isExpired(session)).toBe(true);
    expect(cookies.isExpired(extended)).toBe(false);
    now = 10_001;
    expect(cookies.isExpired(cookies.extend(extended))).toBe(true);
  });
});
