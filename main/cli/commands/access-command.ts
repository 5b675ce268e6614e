import { Option, type Command } from 'commander';
import type { CoreEnvironment } from '../../core/environment.ts';
import { LAB_USERS_WITH_PASSWORDS, labCaCertificatePath, readLabAccess, revealLabPassword, type LabUserWithPassword } from '../../core/lab-store/lab-access.ts';
import { addLabOption } from '../spec-options.ts';
import { curlCommandFor, formatAccess, type AccessSummary } from '../format/format-access.ts';
import { formatPublishedPorts } from '../format/format-published-ports.ts';
import { SeclabError } from '../../../common/errors.ts';

/** Until Ctrl-C (or SIGTERM): what keeps `access --tunnel` running while its tunnel serves. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 60_000);
    const stop = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

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
    .option('--tunnel', "for an ssh:// engine: open an SSH tunnel to the lab's ports and keep it open until Ctrl-C")
    .action(async (flags: { lab: string; reveal?: LabUserWithPassword; revealAll?: boolean; json?: boolean; tunnel?: boolean }) => {
      const reveal = flags.revealAll ? LAB_USERS_WITH_PASSWORDS : flags.reveal ? [flags.reveal] : [];
      const summary = labAccessSummary(environment, flags.lab, reveal);
      const labFlag = flags.lab === 'default' ? '' : ` --lab ${flags.lab}`;
      if (flags.tunnel) {
        const ports = environment.engine().publishedPorts;
        if (ports.kind !== 'ssh-tunnel') {
          throw new SeclabError(
            'BAD_OPTION',
            `--tunnel: the engine (${environment.engine().info?.label ?? 'this one'}) is not reached over ssh://, so there is no SSH connection to carry a tunnel${ports.kind === 'local' ? ': its ports are on this machine already' : ''}`,
          );
        }
        await ports.open(
          Object.values(summary.access.endpoints).map((url) => Number(new URL(url).port)),
          { samePort: true },
        );
        process.stdout.write(formatAccess(summary));
        process.stdout.write(formatPublishedPorts(ports, summary.access.endpoints, labFlag, true));
        await untilInterrupted();
        await ports.close();
        return;
      }
      if (flags.json) {
        const output = {
          ...summary.access,
          caCertificatePath: summary.caCertificatePath,
          curl: curlCommandFor(summary.access, summary.caCertificatePath),
          ...(summary.passwords.length ? { passwords: Object.fromEntries(summary.passwords.map((p) => [p.username, p.password])) } : {}),
        };
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      } else {
        process.stdout.write(formatAccess(summary));
        // A remote engine's ports are not this machine's: how to reach them (no tunnel is opened for a printout).
        process.stdout.write(formatPublishedPorts(environment.engine().publishedPorts, summary.access.endpoints, labFlag));
      }
    });
}
