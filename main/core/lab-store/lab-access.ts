import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeclabError } from '../../../common/errors.ts';
import type { SecretName } from '../../../common/lab-plan.ts';
import type { LabAccess } from '../../../common/lab-status.ts';
import { planLab } from '../planner/plan-lab.ts';
import { labPaths } from './lab-home.ts';
import { readLabRecord } from './lab-records.ts';
import { readLabSecrets, requireSecret } from './lab-secrets.ts';

/**
 * How to reach a lab and who may do what in it, read from its folder: what the app's Access view
 * (labs.access, labs.revealSecret) and `seclab access` show. Passwords only on request, one user at a time.
 */

const PASSWORD_OF = {
  elastic: 'elastic-password',
  analyst: 'analyst-password',
  writer: 'writer-password',
  lab_admin: 'lab-admin-password',
} as const satisfies Record<string, SecretName>;

export type LabUserWithPassword = keyof typeof PASSWORD_OF;
export const LAB_USERS_WITH_PASSWORDS = Object.keys(PASSWORD_OF) as LabUserWithPassword[];

function requireLabRecord(home: string, lab: string) {
  const record = readLabRecord(home, lab);
  if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}": start one from the Start screen or with \`seclab up --lab ${lab}\``, { lab });
  return record;
}

export function labCaCertificatePath(home: string, lab: string): string {
  return join(labPaths(home, lab).certs, 'ca', 'ca.crt');
}

export function readLabAccess(home: string, lab: string): LabAccess {
  const record = requireLabRecord(home, lab);
  const plan = planLab(record.spec, record.allocation);
  const fingerprint = readFileSync(join(labPaths(home, lab).certs, 'ca', 'fingerprint'), 'utf8').trim();
  return {
    lab,
    emulated: plan.emulated,
    endpoints: plan.endpoints,
    caFingerprintSha256: fingerprint,
    users: [
      { username: 'elastic', roles: ['superuser'], description: 'built-in superuser: for emergencies only', builtIn: true },
      ...plan.users.map((u) => ({ username: u.username, roles: u.roles, description: u.description, builtIn: false })),
    ],
  };
}

export function revealLabPassword(home: string, lab: string, username: LabUserWithPassword): { username: string; password: string } {
  requireLabRecord(home, lab);
  const secrets = readLabSecrets(home, lab) ?? {};
  return { username, password: requireSecret(secrets, PASSWORD_OF[username]) };
}
