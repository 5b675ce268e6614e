import { styleText } from 'node:util';
import type { LabAccess } from '../../../common/lab-status.ts';

const useColour = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (colour: Parameters<typeof styleText>[0], text: string) => (useColour() ? styleText(colour, text) : text);

export interface AccessSummary {
  access: LabAccess;
  caCertificatePath: string;
  /** Only the passwords asked for (--reveal USER or --reveal-all); never any other. */
  passwords: Array<{ username: string; password: string }>;
  /** The users a password can be revealed for, for the hint. */
  revealable: readonly string[];
}

export function curlCommandFor(access: LabAccess, caCertificatePath: string): string {
  return `curl --cacert ${caCertificatePath} -u lab_admin ${access.endpoints.elasticsearch}`;
}

/** URLs, who may do what, the CA to trust and a first request: what `access` prints and `up`/`reset` end with. */
export function formatAccess({ access, caCertificatePath, passwords, revealable }: AccessSummary): string {
  const badge = access.emulated ? paint(['bold', 'yellow'], ' EMULATED') : '';
  const width = Math.max(...access.users.map((u) => u.username.length));
  const rolesWidth = Math.max(...access.users.map((u) => u.roles.join(', ').length));
  const labFlag = access.lab === 'default' ? '' : ` --lab ${access.lab}`;
  const lines = [
    paint('bold', `Access to lab "${access.lab}"`) + badge,
    ...Object.entries(access.endpoints).map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
    `  CA certificate ${caCertificatePath}`,
    `  CA SHA-256     ${access.caFingerprintSha256}`,
    '',
    paint('gray', `  ${'USER'.padEnd(width)}  ${'ROLES'.padEnd(rolesWidth)}  MAY`),
    ...access.users.map((u) => `  ${u.username.padEnd(width)}  ${u.roles.join(', ').padEnd(rolesWidth)}  ${u.description}`),
    '',
    `  Try it: ${curlCommandFor(access, caCertificatePath)}`,
  ];
  if (passwords.length) {
    lines.push('', '  Passwords (keep them off screenshots and shared terminals):', ...passwords.map((p) => `  ${p.username.padEnd(width)}  ${p.password}`));
  } else {
    lines.push(`  Passwords: seclab access${labFlag} --reveal USER (${revealable.join(', ')}), or --reveal-all`);
  }
  return `${lines.join('\n')}\n`;
}
