/**
 * The "Done when" of the security verification engine, on a real emulated lab: every check passes
 * (or is `info` where DESIGN.md says so) on a fresh default lab; then each layer is broken on the
 * running lab, one at a time, and exactly that check — plus the checks that depend on the broken
 * layer, named with the reason — turns `fail` (or `error`) with evidence naming the cause, while
 * every other check keeps its fresh-lab status. Each test restores the lab and proves it is whole
 * again before the next one starts.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS, type CheckId } from '../../common/checks.ts';
import type { CoreEnvironment } from '../../main/core/environment.ts';
import { defaultEnvironment } from '../../main/core/environment.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { downLab } from '../../main/core/orchestrator/down-lab.ts';
import { labPaths } from '../../main/core/lab-store/lab-home.ts';
import { readLabRecord, type LabRecord } from '../../main/core/lab-store/lab-records.ts';
import { readLabSecrets, requireSecret, type LabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { connectElasticsearch } from '../../main/core/stack/elasticsearch-client.ts';
import { planLab } from '../../main/core/planner/plan-lab.ts';
import { verifyLab } from '../../main/core/verification/verify-lab.ts';
import { bindPortsTo, recreateContainer, setEnv } from './support/recreate-container.ts';
import { execIn, foreignCertificate, swapNodeCertificate, waitForContainer } from './support/lab-actions.ts';
import { describeResults, expectBreak, passes, resultOf, statusesOf, waitForChecks, type Statuses } from './support/verify-helpers.ts';

const LAB = `vb${process.pid % 100000}`;
const CLOUD_ONLY: CheckId[] = ['cloud.private-link', 'cloud.byok'];
const KIBANA_CHECKS: CheckId[] = ['kibana.https', 'kibana.es-tls-verified', 'kibana.encryption-keys', 'kibana.session'];
const ALL = [...CHECK_IDS];

let home: string;
let environment: CoreEnvironment;
let record: LabRecord;
let secrets: LabSecrets;
let baseline: Statuses;

const noEmit = () => undefined;
const container = (component: string) => `seclab-${LAB}-${component}`;
const engine = () => environment.engine();

function adminClient() {
  const caPem = readFileSync(join(labPaths(home, LAB).certs, 'ca', 'ca.crt'), 'utf8');
  return connectElasticsearch({
    url: `https://127.0.0.1:${record.allocation.ports.elasticsearch}`,
    caPem,
    auth: { username: 'lab_admin', password: requireSecret(secrets, 'lab-admin-password') },
    requestTimeoutMs: 10_000,
  });
}

/** After a restore: every check back to its fresh-lab status (polled, since restarted components take a moment). */
async function expectWhole(ids: CheckId[] = ALL, timeoutMs = 120_000) {
  const results = await waitForChecks(environment, LAB, ids, (r) => r.status === baseline[r.id], timeoutMs);
  expect(
    results.every((r) => r.status === baseline[r.id]),
    describeResults(results),
  ).toBe(true);
}

// Each break waits for restarted components and proves the restore: minutes, not the default 60 s.
describe('verification on a default emulated lab', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'seclab-verify-'));
    environment = defaultEnvironment({ SECLAB_HOME: home });
    await upLab({ environment, emit: noEmit }, { name: LAB, images: 'emulated' });
    record = readLabRecord(home, LAB)!;
    secrets = readLabSecrets(home, LAB)!;
  });

  afterAll(async () => {
    if (environment) await downLab({ environment, emit: noEmit }, LAB, { purge: true }).catch((error) => console.error(`downLab ${LAB}: ${(error as Error).message}`));
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('passes every check on the fresh lab; only the cloud-only items are info (and runtime.limits warns on an engine that caps open files)', async () => {
    const results = await verifyLab(environment, LAB);
    expect(results.map((r) => r.id).sort()).toEqual([...CHECK_IDS].sort());
    const capped = record.allocation.raiseFileLimit === false;
    for (const result of results) {
      const expected = CLOUD_ONLY.includes(result.id) ? 'info' : result.id === 'runtime.limits' && capped ? 'warn' : 'pass';
      expect(result.status, `${result.id}:\n${describeResults(results)}`).toBe(expected);
      expect(result.evidence.length, `${result.id} has evidence`).toBeGreaterThan(0);
    }
    baseline = statusesOf(results);
  });

  it('lab folder opened to 0755: secrets.host-files fails naming 0755', async () => {
    const root = labPaths(home, LAB).root;
    chmodSync(root, 0o755);
    try {
      // Nothing else reads the folder's mode: the other checks keep their status.
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'secrets.host-files', evidence: ['0755'] });
    } finally {
      chmodSync(root, 0o700);
    }
    expect(statSync(root).mode & 0o777).toBe(0o700);
    await expectWhole(['secrets.host-files']);
  });

  it('IP filtering off: network.ip-filter fails naming the nodes that answered an outsider', async () => {
    const client = adminClient();
    try {
      await client.cluster.putSettings({ persistent: { 'xpack.security.http.filter.enabled': false } });
      // Filtering is a dynamic setting: no restart, no other layer moves (the transport filter stays on).
      const results = await verifyLab(environment, LAB);
      expectBreak(results, baseline, { target: 'network.ip-filter', evidence: [/es01.*answered an address outside the allow list/, /from 172\.29\.\d+\.2\d\d \(not on the allow list\)/] });
    } finally {
      await client.cluster.putSettings({ persistent: { 'xpack.security.http.filter.enabled': null } });
      await client.close();
    }
    await expectWhole(['network.ip-filter']);
  });

  it('analyst granted write: auth.least-privilege fails showing the allowed write', async () => {
    const client = adminClient();
    const plan = planLab(record.spec, record.allocation);
    const analystRole = plan.roles.find((r) => r.name === 'lab_analyst')!;
    try {
      await client.security.putRole({ name: 'lab_analyst', cluster: [], indices: [{ names: ['lab-*'], privileges: ['read', 'view_index_metadata', 'write'] }] });
      // Roles are read per request: only the live RBAC test sees the change.
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'auth.least-privilege', evidence: ['the analyst could write', /_doc → 201/] });
    } finally {
      await client.security.putRole({ name: analystRole.name, cluster: analystRole.cluster, indices: analystRole.indices, description: analystRole.description } as never);
      await client.close();
    }
    await expectWhole(['auth.least-privilege']);
  });

  it('Kibana port published on 0.0.0.0: network.loopback-only fails naming kibana and 0.0.0.0', async () => {
    const kibana = await recreateContainer(engine(), container('kibana'), (options) => bindPortsTo(options, '0.0.0.0'));
    try {
      // Kibana restarted: wait until it serves again, so only the binding differs from the fresh lab.
      await waitForChecks(environment, LAB, [...KIBANA_CHECKS, 'fleet.agent-enrolled'], passes, 120_000);
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'network.loopback-only', evidence: ['kibana', `0.0.0.0:${record.allocation.ports.kibana}`] });
    } finally {
      await kibana.restore();
    }
    await expectWhole();
  });

  it("a password in Kibana's env: secrets.keystore fails naming kibana and ELASTICSEARCH_PASSWORD", async () => {
    const kibana = await recreateContainer(engine(), container('kibana'), (options) => setEnv(options, 'ELASTICSEARCH_PASSWORD', requireSecret(secrets, 'kibana-system-password')));
    try {
      // Same password as in the keystore: Kibana works as before, only where the secret lives changed.
      await waitForChecks(environment, LAB, [...KIBANA_CHECKS, 'fleet.agent-enrolled'], passes, 120_000);
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'secrets.keystore', evidence: ['kibana', 'ELASTICSEARCH_PASSWORD'] });
    } finally {
      await kibana.restore();
    }
    await expectWhole();
  });

  it('Kibana given the elastic user: it refuses to start, auth.service-accounts fails naming elastic', async () => {
    const kibana = await recreateContainer(engine(), container('kibana'), (options) => setEnv(options, 'ELASTICSEARCH_USERNAME', 'elastic'));
    try {
      // Like the real Kibana, the emulator refuses elasticsearch.username "elastic" and exits.
      await waitForContainer(engine(), container('kibana'), false, 60_000);
      const results = await verifyLab(environment, LAB);
      expectBreak(results, baseline, {
        target: 'auth.service-accounts',
        evidence: ['elastic', /kibana connects to Elasticsearch as user elastic and is exited/],
        dependents: {
          // Kibana is exited, so nothing proved through Kibana can be probed: each says so, naming its state.
          'kibana.https': ['error'],
          'kibana.es-tls-verified': ['error'],
          'kibana.encryption-keys': ['error'],
          'kibana.session': ['error'],
          'fleet.agent-enrolled': ['error'], // the agent list comes from Kibana's Fleet API
        },
      });
      for (const id of [...KIBANA_CHECKS, 'fleet.agent-enrolled'] as CheckId[]) {
        expect(resultOf(results, id).evidence[0], id).toMatch(/^kibana is exited \(stopped\): cannot probe /);
        expect(resultOf(results, id).evidence.join(' '), id).not.toMatch(/does not serve|ECONNREFUSED/);
      }
    } finally {
      await kibana.restore();
    }
    await expectWhole();
  });

  it('an encryption key removed from the Kibana keystore: kibana.encryption-keys fails naming the key', async () => {
    const kibana = container('kibana');
    const removed = await execIn(engine(), kibana, ['/usr/share/kibana/bin/kibana-keystore', 'remove', 'xpack.reporting.encryptionKey']);
    expect(removed.exitCode, removed.output).toBe(0);
    try {
      await engine().docker.getContainer(kibana).restart({ t: 10 });
      // Kibana starts without the key (it generates a random one and says so): nothing else changes.
      await waitForChecks(environment, LAB, [...KIBANA_CHECKS.filter((id) => id !== 'kibana.encryption-keys'), 'fleet.agent-enrolled'], passes, 120_000);
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'kibana.encryption-keys', evidence: ['xpack.reporting.encryptionKey is not in the keystore'] });
    } finally {
      const added = await execIn(engine(), kibana, ['/usr/share/kibana/bin/kibana-keystore', 'add', 'xpack.reporting.encryptionKey', '--stdin'], `${requireSecret(secrets, 'kibana-reporting-encryption-key')}\n`);
      expect(added.exitCode, added.output).toBe(0);
      await engine().docker.getContainer(kibana).restart({ t: 10 });
    }
    await expectWhole();
  });

  it('agent01 running as root: runtime.non-root fails naming agent01 and uid 0', async () => {
    const agent = await recreateContainer(engine(), container('agent01'), (options) => {
      options.User = '0:0';
    });
    try {
      await waitForChecks(environment, LAB, ['fleet.agent-enrolled'], passes, 120_000);
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'runtime.non-root', evidence: [/agent01 runs .+ \(pid \d+\).* as root/, /agent01: configured user 0:0; process uids 0/] });
    } finally {
      await agent.restore();
    }
    await expectWhole();
  });

  it('es02 recreated with HTTP TLS off: http.tls fails naming es02', async () => {
    const es02 = await recreateContainer(engine(), container('es02'), (options) => setEnv(options, 'xpack.security.http.ssl.enabled', 'false'));
    try {
      // The node rejoins (transport TLS is untouched); wait for it so only its HTTP layer differs.
      await waitForChecks(environment, LAB, ['transport.cluster-formed'], passes, 120_000);
      expectBreak(await verifyLab(environment, LAB), baseline, {
        target: 'http.tls',
        evidence: ['es02 does not speak TLS on 9200'],
        dependents: {
          'http.cert-valid': ['fail'], // it reads es02's HTTP certificate, which es02 no longer serves
        },
      });
    } finally {
      await es02.restore();
    }
    await expectWhole();
  });

  it('es02 recreated with mutual TLS off: transport.mutual-auth fails naming es02', async () => {
    const es02 = await recreateContainer(engine(), container('es02'), (options) => setEnv(options, 'xpack.security.transport.ssl.client_authentication', 'none'));
    try {
      await waitForChecks(environment, LAB, ['transport.cluster-formed'], passes, 120_000);
      expectBreak(await verifyLab(environment, LAB), baseline, { target: 'transport.mutual-auth', evidence: [/^es02 accepted a TLS client without a certificate/] });
    } finally {
      await es02.restore();
    }
    await expectWhole();
  });

  it('es03 with a certificate from another CA: it never rejoins; transport.cluster-formed fails naming es03', async () => {
    const certs = labPaths(home, LAB).certs;
    const foreign = await foreignCertificate(record, 'es03', new Date());
    await swapNodeCertificate(engine(), container('es03'), 'es03', foreign.certificatePem, foreign.keyPem);
    try {
      // es03 is restarted with it: wait until it serves that certificate, not only until it is missing from the cluster
      // (which is true the moment it stops), so every check sees es03 up with the foreign certificate.
      const results = await waitForChecks(
        environment,
        LAB,
        ['transport.cluster-formed', 'http.cert-valid'],
        (r) => r.status === 'fail' && (r.id !== 'http.cert-valid' || /es03's certificate does not verify against the lab CA/.test(r.evidence[0])),
        90_000,
      );
      expect(resultOf(results, 'transport.cluster-formed').evidence[0]).toMatch(/es03 did not join: 2 of 3 nodes/);
      expectBreak(await verifyLab(environment, LAB), baseline, {
        target: 'transport.cluster-formed',
        evidence: ['es03 did not join', '2 of 3 nodes'],
        dependents: {
          // All three read es03's certificate, which no longer chains to the lab CA:
          'transport.tls': ['fail'],
          'http.tls': ['fail'],
          'http.cert-valid': ['fail'],
        },
      });
      const all = await verifyLab(environment, LAB, ['transport.tls', 'http.tls', 'http.cert-valid']);
      for (const result of all) expect(result.evidence[0], result.id).toContain('es03');
      // es03 does speak TLS: what fails is its certificate, and that is what the evidence says.
      expect(resultOf(all, 'http.tls').evidence[0]).toMatch(/es03 serves TLS on 9200, but its certificate does not verify against the lab CA/);
      expect(resultOf(all, 'transport.tls').evidence[0]).toMatch(/es03 serves TLS on 9300, but its certificate does not verify against the lab CA/);
    } finally {
      await swapNodeCertificate(engine(), container('es03'), 'es03', readFileSync(join(certs, 'es03', 'es03.crt'), 'utf8'), readFileSync(join(certs, 'es03', 'es03.key'), 'utf8'));
    }
    await expectWhole();
  });

  it('a probe that cannot run gives error, never pass: es01 stopped', async () => {
    await engine().stopContainer(container('es01'), 10);
    try {
      const results = await verifyLab(environment, LAB);
      const table = describeResults(results);
      // Probed node by node: es02 and es03 are probed from es02's network stack, es01 is named as stopped.
      const probeEachNode: CheckId[] = ['transport.tls', 'transport.mutual-auth', 'http.cert-valid', 'network.ip-filter'];
      // Everything that goes through es01's published port cannot be probed at all.
      const throughEs01: CheckId[] = ['http.tls', 'transport.cluster-formed', 'auth.required', 'auth.strong-passwords', 'auth.least-privilege', 'auth.service-accounts', 'secrets.keystore', 'audit.logging'];
      const moved = results
        .filter((r) => r.status !== baseline[r.id])
        .map((r) => r.id)
        .sort();
      expect(moved, table).toEqual([...probeEachNode, ...throughEs01].sort());
      for (const id of [...probeEachNode, ...throughEs01]) {
        const result = resultOf(results, id);
        expect(result.status, `${id}:\n${table}`).toBe('error');
        expect(result.evidence[0], id).toMatch(/^es01 is exited \(stopped\): cannot probe /);
        for (const line of result.evidence.filter((l) => l.includes('es01'))) expect(line, id).not.toMatch(/accepted|speaks|does not speak|refused|answered/);
      }
      for (const id of ['transport.tls', 'transport.mutual-auth'] as CheckId[]) expect(resultOf(results, id).evidence.join(' '), id).toMatch(/es02 .*:9300/);
      // Kibana knows every node (elasticsearch.hosts): it goes on through es02 and es03 over verified TLS.
      for (const id of ['kibana.es-tls-verified', 'kibana.session'] as CheckId[]) expect(resultOf(results, id).status, `${id}: ${resultOf(results, id).evidence.join(' | ')}`).toBe('pass');
    } finally {
      await engine().startContainer(container('es01'));
    }
    await expectWhole(ALL, 180_000);
  });

  // Last: it removes the lab's containers, network and volumes (the folder stays; afterAll purges it).
  it('a lab whose containers are gone: nothing that needs a container passes', async () => {
    await downLab({ environment, emit: noEmit }, LAB);
    const results = await verifyLab(environment, LAB);
    const table = describeResults(results);
    // Host-side only: the lab folder and its keys are still there, with their modes.
    expect(resultOf(results, 'secrets.host-files').status, table).toBe('pass');
    for (const id of CLOUD_ONLY) expect(resultOf(results, id).status, table).toBe('info');
    // The network is provably gone: a true fail.
    expect(resultOf(results, 'network.dedicated').status, table).toBe('fail');
    expect(resultOf(results, 'network.dedicated').evidence[0]).toContain('does not exist');
    // Kibana and Fleet Server have no container: named as missing, never "does not serve HTTPS".
    for (const id of ['kibana.https', 'fleet.server-tls'] as CheckId[]) {
      expect(resultOf(results, id).status, table).toBe('error');
      expect(resultOf(results, id).evidence[0], id).toMatch(/^(kibana|fleet-server) is missing \(no container\): cannot probe/);
    }
    // Everything else could not be proved: `error`, naming what is missing (never a pass by absence,
    // nor a fail with evidence about a container that is not there).
    const proved: string[] = ['secrets.host-files', 'network.dedicated', ...CLOUD_ONLY];
    for (const result of results.filter((r) => !proved.includes(r.id))) {
      expect(result.status, `${result.id}:\n${table}`).toBe('error');
    }
    for (const id of ['network.loopback-only', 'runtime.non-root', 'runtime.limits'] as CheckId[]) {
      expect(resultOf(results, id).evidence.join(' '), id).toMatch(new RegExp(`seclab-${LAB}-es01.*do not exist`));
    }
    expect(resultOf(results, 'secrets.keystore').evidence[0]).toMatch(/^es01 is missing \(no container\): cannot probe/);
  });
});

describe('verification on a small basic-licence lab without Kibana and Fleet', { timeout: 120_000 }, () => {
  const SMALL = `vb${process.pid % 100000}b`;
  let smallHome: string;
  let smallEnvironment: CoreEnvironment;

  beforeAll(async () => {
    smallHome = mkdtempSync(join(tmpdir(), 'seclab-verify-basic-'));
    smallEnvironment = defaultEnvironment({ SECLAB_HOME: smallHome });
    await upLab({ environment: smallEnvironment, emit: noEmit }, { name: SMALL, images: 'emulated', license: 'basic', elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0 });
  });

  afterAll(async () => {
    if (smallEnvironment) await downLab({ environment: smallEnvironment, emit: noEmit }, SMALL, { purge: true }).catch((error) => console.error(`downLab ${SMALL}: ${(error as Error).message}`));
    if (smallHome) rmSync(smallHome, { recursive: true, force: true });
  });

  it('IP filtering and audit logging are info under basic; checks of absent components are info; the rest pass', async () => {
    const results = await verifyLab(smallEnvironment, SMALL);
    const table = describeResults(results);
    const expectInfo = (id: CheckId, evidence: RegExp) => {
      const result = resultOf(results, id);
      expect(result.status, `${id}:\n${table}`).toBe('info');
      expect(result.evidence.join(' '), id).toMatch(evidence);
    };
    // The basic licence does not enforce IP filtering or write audit events, as in the real product.
    expectInfo('network.ip-filter', /basic licence/);
    expectInfo('audit.logging', /basic licence/);
    // Components this lab does not have: nothing to prove, so info (never pass, never fail).
    for (const id of KIBANA_CHECKS) expectInfo(id, /no Kibana/);
    expectInfo('fleet.server-tls', /no Fleet Server/);
    expectInfo('fleet.agent-enrolled', /no agents/);
    expectInfo('auth.service-accounts', /neither Kibana nor Fleet Server/);
    for (const id of CLOUD_ONLY) expectInfo(id, /Elastic Cloud only/);
    const infos = new Set<CheckId>(['network.ip-filter', 'audit.logging', ...KIBANA_CHECKS, 'fleet.server-tls', 'fleet.agent-enrolled', 'auth.service-accounts', ...CLOUD_ONLY]);
    for (const result of results.filter((r) => !infos.has(r.id))) expect(result.status, `${result.id}:\n${table}`).toBe('pass');
  });
});
