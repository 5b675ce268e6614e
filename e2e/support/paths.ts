import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type E2eTarget = 'web' | 'electron';
export type E2eHandlers = 'fake' | 'real';

/** Set by global-setup: the target actually used (electron falls back to web without its binary). */
export const e2eTarget = (): E2eTarget => (process.env.SECLAB_E2E_RESOLVED_TARGET === 'electron' ? 'electron' : 'web');
export const e2eHandlers = (): E2eHandlers => {
  const requested = process.env.SECLAB_E2E_HANDLERS;
  if (requested === 'fake' || requested === 'real') return requested;
  return 'real';
};
