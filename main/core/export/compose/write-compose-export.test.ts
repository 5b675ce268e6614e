import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseLabSpec } from '../../../../common/lab-spec.ts';
import { generateLabSecrets, type LabSecrets } from '../../lab-store/lab-secrets.ts';
import { certificateRequestsFor } from '../../planner/certificate-requests.ts';
import { planLab } from '../../planner/plan-lab.ts';
import { issueLabCertificates } from '../../pki/lab-pki.ts';
import type { ExportResult } from '../export-types.ts';
import { writeComposeExport } from './write-compose-export.ts';

const work = mkdtempSync(join(tmpdir(), 'seclab-compose-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec = parseLabSpec({ name: 'exported', images: 'emulated' });
const allocation = { subnetIndex: 7, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } };
const plan = planLab(spec, allocation);
let secrets: LabSecrets;
let result: ExportResult;
let outDir: string;
let compose: { services: Record<string, Record<string, unknown>>; networks: Record<string, unknown>; volumes: Record<string, unknown> };

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

beforeAll(async () => {
  let counter = 0;
  secrets = generateLabSecrets((size) => Buffer.from(Array.from({ length: size }, () => (counter = (counter * 31 + 7) % 251))));
  const certsDir = join(work, 'certs');
  await issueLabCertificates({ outDir: certsDir, components: certificateRequestsFor(spec, allocation.subnetIndex), now: new Date('2026-11-30T10:00:00Z') });
  outDir = join(work, 'out');
  // Not root here: the export says how to hand the private folders to the image user instead of doing it.
  result = writeComposeExport({ spec, plan, secrets, certsDir, outDir }, { now: new Date('2026-11-30T10:00:00Z'), processUid: 4242 });
  compose = parse(readFileSync(join(outDir, 'docker-compose.yml'), 'utf8'));
});

describe('the Compose export of the default lab', () => {
  it('keeps every secret out of the compose file, .env, README and setup scripts, and lists only files that exist', () => {
    const privateKeys = filesUnder(join(work, 'certs'))
      .filter((path) => path.endsWith('.key'))
      .map((path) => readFileSync(join(work, 'certs', path), 'utf8').trim());
    const values = [...Object.values(secrets).filter((value): value is string => Boolean(value)), ...privateKeys];
    expect(values.length).toBeGreaterThan(10);
    const open = result.files.filter((file) => !file.secret);
    expect(open.map((file) => file.path)).toEqual(expect.arrayContaining(['docker-compose.yml', '.env', 'README.md', 'setup/security-setup.sh', 'setup/fleet-setup.sh']));
    for (const file of open) {
      const text = readFileSync(join(outDir, file.path), 'utf8');
      for (const value of values) expect(text.includes(value), `${file.path} holds a secret`).toBe(false);
    }
    expect(filesUnder(outDir).sort()).toEqual(result.files.map((file) => file.path).sort());
  });

  it('writes secrets and keys 0600 in private folders, and says how to hand them to the image user', () => {
    for (const file of result.files.filter((f) => f.secret)) expect(statSync(join(outDir, file.path)).mode & 0o777, file.path).toBe(0o600);
    expect(result.files.filter((f) => f.path.endsWith('.key')).every((f) => f.secret)).toBe(true);
    expect(statSync(join(outDir, 'secrets')).mode & 0o777).toBe(0o700);
    for (const component of plan.containers) expect(statSync(join(outDir, 'components', component.component)).mode & 0o777).toBe(0o750);
    expect(result.nextSteps[0]).toMatch(/^sudo chown -R 1000:0 .*secrets/);
  });

  it('has each component as seclab up makes it: name, labels, address, loopback ports, image user, no capability, limits, healthcheck', () => {
    for (const container of plan.containers) {
      const service = compose.services[container.component];
      expect(service.container_name).toBe(container.name);
      expect(service.labels).toEqual(container.labels);
      expect(service.user).toBe('1000:0');
      expect(service.cap_drop).toEqual(['ALL']);
      expect(service.mem_limit).toBe(container.memoryBytes);
      expect(service.networks).toEqual({ lab: { ipv4_address: container.ip, aliases: [container.hostname] } });
      for (const port of (service.ports as string[] | undefined) ?? []) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      expect((service.healthcheck as { test: string[] }).test[0]).toBe('CMD-SHELL');
      const env = service.environment as Record<string, string>;
      for (const value of Object.values(env)) expect(Object.values(secrets)).not.toContain(value);
    }
    expect(compose.services.agent01.environment).not.toHaveProperty('FLEET_ENROLLMENT_TOKEN');
    // Compose would read "$status" in the agent's healthcheck as a variable: escaped.
    expect((compose.services.agent01.healthcheck as { test: string[] }).test[1]).toContain('$$(elastic-agent status');
    expect(compose.networks.lab).toMatchObject({ name: plan.network.name, labels: plan.network.labels, ipam: { config: [{ subnet: plan.network.subnet, gateway: plan.network.gateway }] } });
    expect(Object.keys(compose.volumes).sort()).toEqual(plan.volumes.map((v) => v.name).sort());
  });

  it('runs setup one-shots as the image user with no capability, except volume-owners (root with CHOWN and FOWNER only)', () => {
    const setups = Object.entries(compose.services).filter(([name]) => !plan.containers.some((c) => c.component === name));
    expect(setups.map(([name]) => name).sort()).toEqual(['volume-owners', 'security-setup', 'fleet-setup', 'revoke-enrollment', ...plan.containers.map((c) => `${c.component}-files`)].sort());
    for (const [name, service] of setups) {
      expect(service.labels, name).toEqual({ 'seclab.lab': 'exported', 'seclab.role': 'compose-setup' });
      expect(service.cap_drop, name).toEqual(['ALL']);
      if (name === 'volume-owners') {
        expect(service.user).toBe('0:0');
        expect(service.cap_add).toEqual(['CHOWN', 'FOWNER']);
      } else {
        expect(service.user, name).toBe('1000:0');
        expect(service.cap_add, name).toBeUndefined();
      }
    }
    expect(compose.services['security-setup'].network_mode).toBe('service:es01');
    expect(compose.services['fleet-setup'].network_mode).toBe('service:kibana');
  });

  it('orders the setup: files, nodes, security, Kibana, Fleet, Fleet Server, agents, revocation', () => {
    const dependsOn = (name: string) => compose.services[name].depends_on as Record<string, { condition: string }>;
    expect(dependsOn('es01')).toEqual({ 'es01-files': { condition: 'service_completed_successfully' } });
    expect(dependsOn('security-setup')).toEqual({ es01: { condition: 'service_healthy' }, es02: { condition: 'service_healthy' }, es03: { condition: 'service_healthy' } });
    expect(dependsOn('kibana')).toMatchObject({ 'security-setup': { condition: 'service_completed_successfully' } });
    expect(dependsOn('fleet-setup')).toEqual({ kibana: { condition: 'service_healthy' } });
    expect(dependsOn('fleet-server')).toMatchObject({ 'fleet-setup': { condition: 'service_completed_successfully' } });
    expect(dependsOn('agent01')).toMatchObject({ 'fleet-server': { condition: 'service_healthy' } });
    expect(dependsOn('revoke-enrollment')).toEqual({ agent01: { condition: 'service_healthy' } });
  });

  it('writes scripts bash accepts, that read credentials from curl config files and keystore values from stdin', () => {
    for (const file of result.files.filter((f) => f.path.endsWith('.sh'))) execFileSync('bash', ['-n', join(outDir, file.path)]);
    const security = readFileSync(join(outDir, 'setup/security-setup.sh'), 'utf8');
    expect(security).toContain('-K /seclab/secrets/elastic.curlrc');
    expect(security).not.toMatch(/-u\s/);
    const placeEs01 = readFileSync(join(outDir, 'components/es01/place-files.sh'), 'utf8');
    expect(placeEs01).toContain('elasticsearch-keystore add -x -f bootstrap.password < /seclab/component/keystore/bootstrap.password');
    expect(readFileSync(join(outDir, 'components/es01/keystore/bootstrap.password'), 'utf8')).toBe(secrets['elastic-password']);
    expect(readFileSync(join(outDir, 'secrets/elastic.curlrc'), 'utf8')).toBe(`user = "elastic:${secrets['elastic-password']}"\n`);
  });
});
