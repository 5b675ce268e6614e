import { Option, type Command } from 'commander';
import type { CoreEnvironment } from '../../core/environment.ts';
import { LAB_USERS_WITH_PASSWORDS, labCaCertificatePath, readLabAccess, revealLabPassword, type LabUserWithPassword } from '../../core/lab-store/lab-access.ts';
import { addLabOption } from '../spec-options.ts';
import { curlCommandFor, formatAccess, type AccessSummary } from '../format/format-access.ts';

/** The lab's access summary, with the passwords of `reveal` only (the same reads as the app's labs.access and labs.revealSecret). */
export function labAccessSummary(environment: CoreEnvironment, lab: string, reveal: readonly LabUserWithPassword[] = []): AccessSummary {
  return {
    access: readLabAccess(environment.home, lab),
    caCertificatePath: labCaCertificatePath(environment.home, lab),
    passwords: reveal.map((username) => revealLabPassword(environment.home, lab, username)),
    revealable: LAB_USERS_WITH_PASSWORDS,
  };
}

export function registerAccessCommand(program: Command, environment: CoreEnvironment): void {
  addLabOption(program.command('access'))
    .description('how to reach the lab: URLs, users and what each may do, the CA certificate and its fingerprint, a ready curl line; passwords only with --reveal')
    .addOption(new Option('--reveal <user>', "print this user's password").choices(LAB_USERS_WITH_PASSWORDS))
    .addOption(new Option('--reveal-all', 'print every lab password').conflicts('reveal'))
    .option('--json', 'machine-readable output')
    .action((flags: { lab: string; reveal?: LabUserWithPassword; revealAll?: boolean; json?: boolean }) => {
      const reveal = flags.revealAll ? LAB_USERS_WITH_PASSWORDS : flags.reveal ? [flags.reveal] : [];
      const summary = labAccessSummary(environment, flags.lab, reveal);
      if (flags.json) {
        const output = {
          ...summary.access,
          caCertificatePath: summary.caCertificatePath,
          curl: curlCommandFor(summary.access, summary.caCertificatePath),
          ...(summary.passwords.length ? { passwords: Object.fromEntries(summary.passwords.map((p) => [p.username, p.password])) } : {}),
        };
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      } else process.stdout.write(formatAccess(summary));
    });
}
