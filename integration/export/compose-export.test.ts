import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStatus } from '../../common/lab-status.ts';
import { DEFAULT_STACK_VERSION } from '../../common/lab-spec.ts';
import { buildEmulatorImages } from '../../main/core/emulator-images/build-emulator-images.ts';
import { readLabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { ComposeProject } from '../compose-recipe/support/compose-project.ts';
import { startSeclab } from '../faults/support/seclab-process.ts';
import { createTestLabHome, uniqueLabName } from '../support/test-lab.ts';
import { freeLoopbackPort } from '../support/free-port.ts';

/**
 * Issue "Beyond one laptop", Compose export: `seclab export --format compose` of the default lab,
 * run by Docker Compose itself (Debian's docker-compose, or the v2 plugin) on the emulated images
 * until every service is healthy and every setup one-shot has finished; then `seclab status` on
 * it verifies every check, and `seclab down --purge` leaves nothing of it.
 */

const testHome = createTestLabHome();
const lab = uniqueLabName('cmpx');
const outDir = join(testHome.home, 'export');
let project: ComposeProject;

async function seclab(args: string[]) {
  const finished = await startSeclab(testHome.home, args).finished;
  return finished;
}

const engine = () => testHome.environment.engine();

beforeAll(async () => {
  await buildEmulatorImages(engine(), { version: DEFAULT_STACK_VERSION, products: ['elasticsearch', 'kibana', 'elastic-agent'] });
  const ports = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const exported = await seclab([
    'export',
    '--lab',
    lab,
    '--images',
    'emulated',
    '--format',
    'compose',
    '--out',
    outDir,
    '--port-elasticsearch',
    String(ports[0]),
    '--port-kibana',
    String(ports[1]),
    '--port-fleet-server',
    String(ports[2]),
  ]);
  expect(exported.code, exported.stderr).toBe(0);
  project = new ComposeProject(engine(), `seclab-${lab}`, outDir, ['docker-compose.yml']);
  await project.compose(['up', '-d'], 540_000);
}, 600_000);

afterAll(async () => {
  await testHome.cleanup([lab]);
}, 120_000);

describe('a lab run by Docker Compose from its export', () => {
  it('finishes every setup one-shot and has every component healthy', async () => {
    // `up -d` returns once the one-shots have started: the last (revoke-enrollment) waits for the agent to enroll.
    const running = async () => {
      const { containers } = await project.objects();
      const states = await Promise.all(containers.filter((c) => c.labels['seclab.role'] === 'compose-setup').map((c) => engine().inspectContainer(c.id)));
      return states.filter((info) => info?.State.Running).map((info) => info?.Name);
    };
    await expect.poll(running, { timeout: 180_000, interval: 1000 }).toEqual([]);
    const { containers } = await project.objects();
    const states = await Promise.all(containers.map(async (c) => ({ name: c.name, labels: c.labels, info: await engine().inspectContainer(c.id) })));
    const oneShots = states.filter((s) => s.labels['seclab.role'] === 'compose-setup');
    const components = states.filter((s) => s.labels['seclab.component'] && !s.labels['seclab.role']);
    expect(oneShots.map((s) => `${s.name} exit ${s.info?.State.ExitCode}`).sort()).toEqual(oneShots.map((s) => `${s.name} exit 0`).sort());
    expect(oneShots.length).toBe(10);
    expect(components.map((s) => `${s.name} ${s.info?.State.Health?.Status}`).sort()).toEqual(components.map((s) => `${s.name} healthy`).sort());
    expect(components.map((s) => s.labels['seclab.component']).sort()).toEqual(['agent01', 'es01', 'es02', 'es03', 'fleet-server', 'kibana']);
  });

  it('puts no secret in any container configuration, and revoked the enrollment token', async () => {
    const secrets = Object.values(readLabSecrets(testHome.home, lab) ?? {}).filter((value): value is string => Boolean(value));
    expect(secrets.length).toBeGreaterThan(5);
    const { containers } = await project.objects();
    for (const container of containers) {
      const info = await engine().inspectContainer(container.id);
      const config = JSON.stringify({ env: info?.Config.Env, cmd: info?.Config.Cmd, entrypoint: info?.Config.Entrypoint, labels: info?.Config.Labels });
      for (const secret of secrets) expect(config.includes(secret), `${container.name} shows a secret`).toBe(false);
      expect(
        info?.Config.Env?.filter((entry) => entry.startsWith('FLEET_ENROLLMENT_TOKEN=')),
        container.name,
      ).toEqual([]);
    }
    const revoke = await engine().logs(await project.container('revoke-enrollment'), { tail: 20 });
    expect(revoke).toContain('Enrollment token revoked');
  });

  it('is verified by seclab status: every check passes or informs (the engine-capped open-files limit warns, naming the cap), and no probe stays behind on its network', async () => {
    const result = await seclab(['status', '--lab', lab, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as LabStatus;
    expect(status.state).toBe('running');
    const checks = status.checks ?? [];
    expect(checks.length).toBeGreaterThan(20);
    const others = checks.filter((check) => !['pass', 'info'].includes(check.status));
    // This engine caps container open files below Elasticsearch's 65535: the same warning any lab gets here.
    for (const check of others) {
      expect(check.id, `${check.id}: ${check.status} ${check.evidence.join(' ')}`).toBe('runtime.limits');
      expect(check.status).toBe('warn');
      expect(check.evidence.join('\n')).toMatch(/engine caps open files below 65535/);
    }
    expect(checks.filter((check) => check.status === 'pass').length).toBeGreaterThanOrEqual(20);
    // Compose owns this lab: its probes were one-shots, so `docker compose down` finds nothing of seclab's on the network.
    const probes = (await engine().labObjects(lab)).containers.filter((container) => container.labels['seclab.role'] === 'probe');
    expect(probes.map((probe) => probe.name)).toEqual([]);
  });

  it('runs its setup again on a second `up` without harm (finished one-shots start once more)', async () => {
    await project.compose(['up', '-d'], 300_000);
    const security = await engine().inspectContainer(await project.container('security-setup'));
    expect(security?.State.ExitCode).toBe(0);
    const result = await seclab(['status', '--lab', lab, '--json']);
    const status = JSON.parse(result.stdout) as LabStatus;
    expect((status.checks ?? []).filter((check) => check.status === 'fail' || check.status === 'error')).toEqual([]);
  });

  it('is removed by seclab down --purge, to the last object', async () => {
    const result = await seclab(['down', '--lab', lab, '--purge']);
    expect(result.code, result.stderr).toBe(0);
    const left = await engine().labObjects(lab);
    expect({ containers: left.containers.length, volumes: left.volumes.length, networks: left.networks.length }).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect(existsSync(join(testHome.home, 'labs', lab))).toBe(false);
  });
});

describe('seclab export refusals', () => {
  it('refuses an --out that is not empty, and leaves no lab folder behind', async () => {
    const full = join(testHome.home, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const result = await seclab(['export', '--lab', 'refused', '--images', 'emulated', '--format', 'compose', '--out', full]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--out .*full is not empty: choose a new or empty folder/);
    expect(readdirSync(full)).toEqual(['keep.txt']);
    expect(existsSync(join(testHome.home, 'labs', 'refused'))).toBe(false);
  });

  it('refuses an unknown --format, naming the choices', async () => {
    const result = await seclab(['export', '--lab', 'refused', '--format', 'helm', '--out', join(testHome.home, 'helm')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--format.*helm.*compose, eck/s);
    expect(existsSync(join(testHome.home, 'helm'))).toBe(false);
  });
});

describe('seclab export --format eck', () => {
  it('writes the manifests and their README for a new lab, with the Secrets file private, and creates no Docker object', async () => {
    const eckLab = uniqueLabName('eckx');
    const out = join(testHome.home, 'eck');
    const result = await seclab(['export', '--lab', eckLab, '--images', 'emulated', '--format', 'eck', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const exported = JSON.parse(result.stdout) as { format: string; files: Array<{ path: string; mode: number; secret: boolean }>; nextSteps: string[] };
    expect(exported.format).toBe('eck');
    expect(readdirSync(out).sort()).toEqual(exported.files.map((file) => file.path).sort());
    for (const file of exported.files) expect(statSync(join(out, file.path)).mode & 0o777, file.path).toBe(file.secret ? 0o600 : 0o644);
    expect(exported.nextSteps.join('\n')).toMatch(/kubectl apply/);
    const objects = await engine().labObjects(eckLab);
    expect(objects.containers.length + objects.volumes.length + objects.networks.length).toBe(0);
    await seclab(['down', '--lab', eckLab, '--purge']);
  });
});
