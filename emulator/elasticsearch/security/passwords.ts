import { pbkdf2Sync, randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/**
 * Stored as `{PBKDF2}iterations$salt$hash` like ES's PBKDF2 hasher (xpack.security.authc.password_hashing.algorithm);
 * the emulator always uses PBKDF2-SHA512.
 */
const ITERATIONS = 10000;

export function hashSecret(secret: string, salt = randomBytes(16).toString('base64')): string {
  const hash = pbkdf2Sync(secret, salt, ITERATIONS, 32, 'sha512').toString('base64');
  return `{PBKDF2}${ITERATIONS}$${salt}$${hash}`;
}

const verified = new Map<string, boolean>();

/** ES caches successful realm lookups; the emulator caches verifications so each request doesn't rehash. */
export function verifySecret(secret: string, stored: string | undefined): boolean {
  if (!stored) return false;
  const cacheKey = createHash('sha256').update(stored).update('\0').update(secret).digest('hex');
  const cached = verified.get(cacheKey);
  if (cached !== undefined) return cached;
  const match = /^\{PBKDF2(?:_STRETCH)?\}(\d+)\$([^$]+)\$(.+)$/.exec(stored);
  let ok = false;
  if (match) {
    const [, iterations, salt, hash] = match;
    const expected = Buffer.from(hash!, 'base64');
    const actual = pbkdf2Sync(secret, salt!, Number(iterations), expected.length, 'sha512');
    ok = expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  if (verified.size > 10000) verified.clear();
  verified.set(cacheKey, ok);
  return ok;
}

/** ES ids: 20 URL-safe base64 characters (random UUIDs in ES's Base64 encoding). */
export function randomId(length = 20): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 2).toString('base64url').slice(0, length);
}
