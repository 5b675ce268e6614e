import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { emulatorBaseImage } from '../../main/core/emulator-images/build-emulator-images.ts';
import { SshEngineSession } from '../../main/core/docker/ssh-engine-session.ts';
import { readLabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';
import { sshdUnavailable, startLocalSshd, type LocalSshd } from './local-sshd.ts';
import { remoteEngineEnv, seclab, smallLabFlags, unhappyChecks } from './remote-cli.ts';

/**
 * Issue 14: a Docker engine over ssh://, as the docker CLI reaches one — here a private sshd on
 * 127.0.0.1 with a key the test makes, on this machine (so `docker system dial-stdio` finds the local
 * engine). The real CLI brings the emulated lab up, verifies it and removes it through SSH alone, and
 * the lab's ports, published on the engine host's 127.0.0.1, are reached through seclab's SSH tunnel:
 * here the engine host is this machine, so each port is taken by the engine and the tunnel must
 * listen on another one — which proves the checks and the requests went through it.
 */
const unavailable = sshdUnavailable();
if (unavailable) console.warn(`ssh:// engine test skipped: ${unavailable}`);

const lab = uniqueLabName('ssh');
// The socket case's container is labelled apart: one it left behind must not read as this lab's.
const socketCaseLab = uniqueLabName('sshsock');
let sshd: LocalSshd;
let home: TestLabHome;

beforeAll(async () => {
  if (unavailable) return;
  sshd = await startLocalSshd();
  home = createTestLabHome();
});

afterAll(async () => {
  await home?.cleanup([lab, socketCaseLab]);
  await sshd?.stop();
});

const sshEnv = () => remoteEngineEnv(home.home, { SECLAB_SSH_IDENTITY: sshd.identityFile });
const engineFlags = () => ['--docker-host', `ssh://${sshd.user}@127.0.0.1:${sshd.port}`];
const tunnelTarget = () => `${sshd.user}@127.0.0.1:${sshd.port}`;

/** `seclab access --tunnel` until it prints its tunnel lines; then a request through the tunnel, then Ctrl-C. */
async function throughAccessTunnel(env: NodeJS.ProcessEnv): Promise<{ remotePort: number; localPort: number; answer: string; exitCode: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['bin/seclab.mjs', ...engineFlags(), 'access', '--lab', lab, '--tunnel'], { cwd: new URL('../../', import.meta.url), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 60_000;
    let tunnel: RegExpExecArray | null = null;
    while (!(tunnel = /Elasticsearch https:\/\/127\.0\.0\.1:(\d+) via SSH tunnel to (\S+)/.exec(stdout))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`access --tunnel printed no tunnel: ${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(tunnel[2]).toBe(tunnelTarget());
    const remotePort = Number(/elasticsearch\s+https:\/\/localhost:(\d+)/.exec(stdout)?.[1]);
    const localPort = Number(tunnel[1]);
    const password = readLabSecrets(home.home, lab)?.['lab-admin-password'] as string;
    const caPem = readFileSync(join(home.home, 'labs', lab, 'certs', 'ca', 'ca.crt'), 'utf8');
    const answer = await new Promise<string>((resolve, reject) => {
      // The lab's certificate names 127.0.0.1 and localhost: it verifies at the tunnel's local end.
      const req = request({ host: '127.0.0.1', port: localPort, path: '/', ca: caPem, auth: `lab_admin:${password}`, servername: 'localhost' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
      });
      req.on('error', reject);
      req.end();
    });
    child.kill('SIGINT');
    return { remotePort, localPort, answer, exitCode: await exited, stderr };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe.skipIf(Boolean(unavailable))('an engine over ssh://', () => {
  it('a key the host does not accept is refused, naming the host and how to fix it', async () => {
    const result = await seclab([...engineFlags(), 'status'], remoteEngineEnv(home.home, { SECLAB_SSH_IDENTITY: join(sshd.folder, 'host_key') }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`ssh://${tunnelTarget()} refused the SSH login`);
    expect(result.stderr).toContain('SECLAB_SSH_IDENTITY');
    expect(result.stderr).not.toMatch(/PRIVATE KEY/);
  }, 60_000);

  it("API requests reach the engine's socket through forwarded channels: one command on the host in all, not a process per connection", async () => {
    const host = await startLocalSshd([], { debugLog: true });
    try {
      const session = new SshEngineSession({ host: '127.0.0.1', port: host.port, username: host.user }, { identityFile: host.identityFile, identityExplicit: true });
      try {
        const docker = new Docker({ protocol: 'http', host: '127.0.0.1', port: host.port, agent: session.dockerAgent() } as Docker.DockerOptions);
        const answers = await Promise.all(Array.from({ length: 12 }, () => docker.ping()));
        expect(answers.map(String)).toEqual(Array(12).fill('OK'));
        // A container's attach stream is hijacked from its HTTP connection: a channel of its own, never reused.
        const run = await new DockerEngine(docker).runToCompletion(
          {
            name: `seclab-${socketCaseLab}-probe`,
            image: await emulatorBaseImage(new DockerEngine()),
            user: '1000:0',
            env: {},
            labels: { 'seclab.lab': lab },
            entrypoint: ['/usr/local/bin/node'],
            cmd: ['-e', 'console.log("hello")'],
          },
          30_000,
        );
        expect(run.output.trim()).toBe('hello');
      } finally {
        await session.close();
      }
      const log = host.debugLog();
      // The one session: `docker context inspect` on the host, to learn where its CLI reaches the engine.
      expect(log.match(/server_input_channel_open: ctype session/g) ?? []).toHaveLength(1);
      expect((log.match(/server_input_channel_open: ctype direct-streamlocal@openssh\.com/g) ?? []).length).toBeGreaterThanOrEqual(2);
    } finally {
      await host.stop();
    }
  }, 60_000);

  it('where the host forwards no socket, more concurrent API requests than it allows sessions per connection all get their answer, over further connections', async () => {
    // A host stricter than sshd's default MaxSessions 10: the session learns the limit from the refusal.
    const strict = await startLocalSshd(['MaxSessions 2', 'AllowStreamLocalForwarding no']);
    const session = new SshEngineSession({ host: '127.0.0.1', port: strict.port, username: strict.user }, { identityFile: strict.identityFile, identityExplicit: true });
    try {
      const agent = session.dockerAgent();
      // docker-modem inspects each request's options, agent included: that must stay one short line, without the key.
      expect(inspect(agent, { showHidden: true, depth: null })).toBe(`[SSH engine agent ssh://${strict.user}@127.0.0.1:${strict.port}]`);
      const docker = new Docker({ protocol: 'http', host: '127.0.0.1', port: strict.port, agent } as Docker.DockerOptions);
      const answers = await Promise.all(Array.from({ length: 12 }, () => docker.ping()));
      expect(answers.map(String)).toEqual(Array(12).fill('OK'));
    } finally {
      await session.close();
      await strict.stop();
    }
  }, 60_000);

  it('up, status and down --purge go over SSH; the lab is reached and verified through the SSH tunnel; nothing is left', async () => {
    const env = sshEnv();
    const flags = await smallLabFlags();
    // Preflight checks the ports on the engine host (here this machine): one held there is named.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const held = (holder.address() as AddressInfo).port;
    try {
      const doctor = await seclab([...engineFlags(), 'doctor', '--lab', lab, ...flags.map((flag, i) => (flags[i - 1] === '--port-kibana' ? String(held) : flag))], env);
      expect(doctor.stdout).toContain(`already in use on ${tunnelTarget()}'s 127.0.0.1, checked on the engine: ${held} (kibana, held by a process on the engine host)`);
    } finally {
      holder.close();
    }

    const up = await seclab([...engineFlags(), 'up', '--lab', lab, ...flags], env);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(up.stdout).toContain(`via SSH tunnel to ${tunnelTarget()}`);
    expect(up.stdout).toContain(`Host ports: free on ${tunnelTarget()}'s 127.0.0.1 (checked on the engine)`);

    const json = await seclab([...engineFlags(), 'status', '--lab', lab, '--json'], env);
    expect(unhappyChecks(json.stdout)).toEqual([]);
    expect(json.code, json.stderr).toBe(0);
    // Over ssh:// the probes are one-shots (verification-context.ts, probesMayStand): none stays on the engine host.
    const probes = (await new DockerEngine().labObjects(lab)).containers.filter((container) => container.labels['seclab.role'] === 'probe');
    expect(probes.map((probe) => probe.name)).toEqual([]);
    const text = await seclab([...engineFlags(), 'status', '--lab', lab], env);
    expect(text.code, `${text.stdout}\n${text.stderr}`).toBe(0);
    expect(text.stdout).toMatch(/\d+ pass, 0 fail, 0 warn, \d+ info, 0 error/);
    for (const name of ['Elasticsearch', 'Kibana', 'Fleet Server']) expect(text.stdout).toMatch(new RegExp(`${name} https://127\\.0\\.0\\.1:\\d+ via SSH tunnel to ${tunnelTarget().replace(/\./g, '\\.')}`));

    const tunnel = await throughAccessTunnel(env);
    // The engine host's port is this machine's too (one machine here): the tunnel listens elsewhere.
    expect(tunnel.localPort).not.toBe(tunnel.remotePort);
    expect(tunnel.answer).toMatch(/^200 .*"cluster_name"/s);
    expect(tunnel.exitCode, tunnel.stderr).toBe(0);

    const down = await seclab([...engineFlags(), 'down', '--lab', lab, '--purge'], env);
    expect(down.code, down.stderr).toBe(0);
    const left = await new DockerEngine().labObjects(lab);
    expect([...left.containers, ...left.volumes, ...left.networks]).toEqual([]);
  }, 900_000);
});
