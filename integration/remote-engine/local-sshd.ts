import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort as freePort } from '../support/free-port.ts';

/**
 * A private sshd on 127.0.0.1 for the ssh:// engine tests: its own host key, one authorized key it
 * generates, its own config; nothing of the machine's own ssh setup is read or changed. Runs as the
 * current user (root in CI, so it may log in as root). Stopped by its own PID only.
 */
export interface LocalSshd {
  port: number;
  user: string;
  /** The client's private key file (for SECLAB_SSH_IDENTITY). */
  identityFile: string;
  folder: string;
  /** sshd's debug log, with `{ debugLog: true }`: the channels it opened, of which type, and the commands it ran. */
  debugLog(): string;
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';

/** Why no sshd can be run here, or undefined when one can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (scripts/test-prerequisites.sh ensure_sshd installs Debian's openssh-server as root)`;
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'ssh-keygen is not installed';
  }
  if (process.getuid?.() !== 0) return 'the test sshd logs in as the current user and must run as root (as in CI)';
  return undefined;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** `extraConfig`: sshd_config lines to add (MaxSessions 2, say); sshd's own defaults otherwise. */
export async function startLocalSshd(extraConfig: string[] = [], options: { debugLog?: boolean } = {}): Promise<LocalSshd> {
  const folder = mkdtempSync(join(tmpdir(), 'seclab-sshd-'));
  // SECLAB_TEST_SSHD_LOG=FILE: sshd's debug log there, to see channels opened and refused.
  const logFile = options.debugLog ? join(folder, 'sshd.log') : process.env.SECLAB_TEST_SSHD_LOG;
  chmodSync(folder, 0o700);
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(folder, file)], { stdio: 'ignore' });
  keygen('host_key');
  keygen('client_key');
  writeFileSync(join(folder, 'authorized_keys'), readFileSync(join(folder, 'client_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(folder, 'host_key')}`,
    `AuthorizedKeysFile ${join(folder, 'authorized_keys')}`,
    `PidFile ${join(folder, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'UsePAM no',
    'StrictModes no',
    'AllowTcpForwarding local',
    'X11Forwarding no',
    // sshd's own defaults otherwise (MaxSessions 10, MaxStartups …), as a user's host has them.
    `LogLevel ${logFile ? 'DEBUG1' : 'ERROR'}`,
    ...extraConfig,
  ].join('\n');
  writeFileSync(join(folder, 'sshd_config'), `${config}\n`);
  // sshd needs its privilege-separation folder; Debian's package creates it only when its service starts.
  if (!existsSync('/run/sshd')) execFileSync('mkdir', ['-p', '-m', '0755', '/run/sshd']);
  const child: ChildProcess = spawn(SSHD, ['-D', ...(logFile ? ['-E', logFile] : ['-e']), '-f', join(folder, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      rmSync(folder, { recursive: true, force: true });
      throw new Error(`the test sshd did not start on 127.0.0.1:${port}: ${log.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    user: process.env.USER || 'root',
    identityFile: join(folder, 'client_key'),
    folder,
    debugLog: () => (logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
