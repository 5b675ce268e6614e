import { pbkdf2Sync, randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * Stored as `{PBKDF2}iterations$salt$hash` like ES's PBKDF2 hasher (x-pack core authc/support/Hasher.java:
 * PBKDF2WithHMACSHA512, 256-bit key, base64 salt decoded before use). The emulator hashes its own passwords with
 * PBKDF2; hashes handed in as `password_hash` may be any hasher ES accepts there (bcrypt*, pbkdf2*, pbkdf2_stretch*).
 */
const ITERATIONS = 10000;

export function hashSecret(secret: string, salt = randomBytes(32).toString('base64')): string {
  const hash = pbkdf2Sync(secret, Buffer.from(salt, 'base64'), ITERATIONS, 32, 'sha512').toString('base64');
  return `{PBKDF2}${ITERATIONS}$${salt}$${hash}`;
}

/** Hasher.getAvailableAlgoStoredPasswordHash(): the enum names starting with pbkdf2 or bcrypt, in declaration order. */
const COSTS = ['1000', '10000', '50000', '100000', '500000', '1000000'];
export const STORED_PASSWORD_HASH_ALGORITHMS = [
  'bcrypt',
  ...Array.from({ length: 11 }, (_, index) => `bcrypt${index + 4}`),
  'pbkdf2',
  ...COSTS.map((cost) => `pbkdf2_${cost}`),
  'pbkdf2_stretch',
  ...COSTS.map((cost) => `pbkdf2_stretch_${cost}`),
];

/** Hasher.resolveFromHash, lower-cased: the algorithm a stored hash was made with, `noop` when none is recognised. */
export function hasherOfHash(hash: string): string {
  const bcryptMatch = /^\$2[aby]?\$(\d\d)\$.{53}$/.exec(hash);
  if (bcryptMatch) return Number(bcryptMatch[1]) === 10 ? 'bcrypt' : `bcrypt${Number(bcryptMatch[1])}`;
  const pbkdf2 = /^\{(PBKDF2|PBKDF2_STRETCH)\}(\d+)\$/.exec(hash);
  if (pbkdf2) {
    const base = pbkdf2[1]!.toLowerCase();
    return Number(pbkdf2[2]) === ITERATIONS ? base : `${base}_${pbkdf2[2]}`;
  }
  if (hash.startsWith('{SHA}')) return 'sha1';
  if (hash.startsWith('{MD5}')) return 'md5';
  if (hash.startsWith('{SSHA256}')) return 'ssha256';
  return 'noop';
}

const verified = new Map<string, boolean>();

function pbkdf2Matches(secret: string, iterations: number, salt: string, hash: string): boolean {
  const expected = Buffer.from(hash, 'base64');
  // Real ES hashes decode the base64 salt; hashes written by older emulator versions used the salt text itself.
  return [Buffer.from(salt, 'base64'), Buffer.from(salt, 'utf8')].some((saltBytes) => {
    const actual = pbkdf2Sync(secret, saltBytes, iterations, expected.length, 'sha512');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  });
}

/** ES caches successful realm lookups; the emulator caches verifications so each request doesn't rehash. */
export function verifySecret(secret: string, stored: string | undefined): boolean {
  if (!stored) return false;
  const cacheKey = createHash('sha256').update(stored).update('\0').update(secret).digest('hex');
  const cached = verified.get(cacheKey);
  if (cached !== undefined) return cached;
  let ok = false;
  const pbkdf2 = /^\{(PBKDF2|PBKDF2_STRETCH)\}(\d+)\$([^$]+)\$(.+)$/.exec(stored);
  if (pbkdf2) {
    const [, kind, iterations, salt, hash] = pbkdf2;
    // PBKDF2_STRETCH hashes the SHA-512 hex digest of the password (Hasher.hashSha512).
    const input = kind === 'PBKDF2_STRETCH' ? createHash('sha512').update(secret).digest('hex') : secret;
    ok = pbkdf2Matches(input, Number(iterations), salt!, hash!);
  } else if (/^\$2[aby]?\$/.test(stored)) {
    ok = bcrypt.compareSync(secret, stored);
  }
  if (verified.size > 10000) verified.clear();
  verified.set(cacheKey, ok);
  return ok;
}

/** ES ids: 20 URL-safe base64 characters (random UUIDs in ES's Base64 encoding). */
export function randomId(length = 20): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 2)
    .toString('base64url')
    .slice(0, length);
}
