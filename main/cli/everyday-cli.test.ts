import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STACK_VERSION } from '../../common/lab-spec.ts';
import { defaultEnvironment } from '../core/environment.ts';
import { resolveLab } from '../core/planner/plan-service.ts';
import { certificateRequestsFor } from '../core/planner/certificate-requests.ts';
import { issueLabCertificates } from '../core/pki/lab-pki.ts';
import { labPaths } from '../core/lab-store/lab-home.ts';
import { writeLabRecord } from '../core/lab-store/lab-records.ts';
import { generateLabSecrets, writeLabSecrets, type LabSecrets } from '../core/lab-store/lab-secrets.ts';

/**
 * Issue #12, tried as a new user would: no Docker running, a bad flag, `access`, `--version`.
 * None of these needs an engine: the lab here is a folder (record, secrets, certificates) as `up` writes it.
 */
const SECLAB = fileURLToPath(new URL('../../bin/seclab.mjs', import.meta.url));
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const LAB = 'everyday';

let root: string;
let home: string;
let secrets: LabSecrets;
/** A unix socket path in a fresh folder: nothing listens there. */
let missingSocket: string;

function seclab(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [SECLAB, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SECLAB_HOME: home, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seclab-everyday-'));
  home = join(root, 'home');
  missingSocket = join(root, 'docker.sock');
  const environment = defaultEnvironment({ SECLAB_HOME: home });
  const { spec, allocation } = await resolveLab(environment, { name: LAB, images: 'emulated', elasticsearch: { nodes: 1 } });
  writeLabRecord(home, { spec, allocation, createdAt: new Date().toISOString() });
  secrets = generateLabSecrets(environment.randomBytes);
  writeLabSecrets(home, LAB, secrets);
  await issueLabCertificates({ outDir: labPaths(home, LAB).certs, components: certificateRequestsFor(spec, allocation.subnetIndex), now: new Date() });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('no Docker running', () => {
  const sentence = () =>
    `Docker is not running at unix://${missingSocket} (DOCKER_HOST): start it (\`sudo systemctl start docker\`, or open Docker Desktop), or choose another engine (seclab --context NAME or --engine URL; \`seclab doctor\` lists where it looked)`;

  it('up runs its preflight and says what to do, naming the socket (no raw errno)', () => {
    const result = seclab(['up', '--images', 'emulated', '--lab', 'nodocker'], { DOCKER_HOST: `unix://${missingSocket}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✕ Docker engine: ${sentence()}`);
    expect(result.output).not.toMatch(/not reached|ENOENT|UP_FAILED/);
  });

  it.each([[['status']], [['status', '--lab', LAB]], [['down', '--lab', LAB]], [['logs', 'es01', '--lab', LAB]], [['doctor', '--images', 'emulated']]])('%j says the same sentence', (args) => {
    const result = seclab(args, { DOCKER_HOST: `unix://${missingSocket}` });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(sentence());
    expect(result.output).not.toMatch(/ENOENT/);
  });
});

describe('a bad flag', () => {
  it('up --nodes 0 is a spec error naming the flag and the range, before any task list', () => {
    const result = seclab(['up', '--nodes', '0', '--images', 'emulated', '--lab', 'badflag'], { DOCKER_HOST: `unix://${missingSocket}` });
    expect(result.code).toBe(2);
    expect(result.output).not.toMatch(/Preflight|not reached/);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe('seclab: Lab spec: --nodes (elasticsearch.nodes): 0 Elasticsearch nodes is not allowed: choose 1 to 7 [LAB_SPEC_INVALID]');
  });
});

describe('seclab --version', () => {
  it("prints seclab's version and the default Elastic Stack version", () => {
    const result = seclab(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`seclab ${PACKAGE_VERSION}`);
    expect(result.stdout).toContain(`Elastic Stack ${DEFAULT_STACK_VERSION} by default`);
  });

  it("a command's own --version is still the Stack version", () => {
    const result = seclab(['plan', '--nodes', '1', '--version', '9.5.2', '--lab', 'vers']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Elastic 9.5.2');
  });
});

describe('seclab access', () => {
  const caPath = () => join(labPaths(home, LAB).certs, 'ca', 'ca.crt');
  const secretValues = () => Object.values(secrets).filter((value): value is string => typeof value === 'string' && value.length > 0);

  it('shows URLs, users with roles and what each may do, the CA path and fingerprint, a curl line; no secret at all', () => {
    const result = seclab(['access', '--lab', LAB]);
    expect(result.code, result.stderr).toBe(0);
    const fingerprint = readFileSync(join(labPaths(home, LAB).certs, 'ca', 'fingerprint'), 'utf8').trim();
    expect(result.stdout).toMatch(/elasticsearch\s+https:\/\/localhost:\d+/);
    expect(result.stdout).toContain(`CA certificate ${caPath()}`);
    expect(result.stdout).toContain(`CA SHA-256     ${fingerprint}`);
    expect(result.stdout).toMatch(/analyst\s+lab_analyst\s+read lab-\*, nothing else/);
    expect(result.stdout).toMatch(/lab_admin\s+superuser\s+administers the lab/);
    expect(result.stdout).toMatch(/elastic\s+superuser\s+built-in superuser/);
    expect(result.stdout).toMatch(new RegExp(`curl --cacert ${caPath().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -u lab_admin https://localhost:\\d+`));
    expect(result.stdout).toContain(`seclab access --lab ${LAB} --reveal USER (elastic, analyst, writer, lab_admin), or --reveal-all`);
    for (const secret of secretValues()) expect(result.output).not.toContain(secret);
    const json = seclab(['access', '--lab', LAB, '--json']);
    for (const secret of secretValues()) expect(json.output).not.toContain(secret);
    expect(JSON.parse(json.stdout)).toMatchObject({ lab: LAB, caCertificatePath: caPath(), caFingerprintSha256: fingerprint });
    expect(JSON.parse(json.stdout).passwords).toBeUndefined();
  });

  it('--reveal USER prints that password only; --reveal-all every lab password', () => {
    const one = seclab(['access', '--lab', LAB, '--reveal', 'analyst']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(secrets['analyst-password']);
    for (const secret of secretValues().filter((s) => s !== secrets['analyst-password'])) expect(one.output).not.toContain(secret);
    const all = seclab(['access', '--lab', LAB, '--reveal-all', '--json']);
    expect(JSON.parse(all.stdout).passwords).toEqual({
      elastic: secrets['elastic-password'],
      analyst: secrets['analyst-password'],
      writer: secrets['writer-password'],
      lab_admin: secrets['lab-admin-password'],
    });
    expect(all.output).not.toContain(secrets['kibana-system-password']);
  });

  it('refuses a user it has no password for, listing the ones it has', () => {
    const result = seclab(['access', '--lab', LAB, '--reveal', 'kibana_system']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Allowed choices are elastic, analyst, writer, lab_admin/);
  });
});
