import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UP_PHASES } from '../../common/lab-events.ts';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { downLab } from '../../main/core/orchestrator/down-lab.ts';
import { resetLab } from '../../main/core/orchestrator/reset-lab.ts';
import { observeLab } from '../../main/core/orchestrator/observe-lab.ts';
import { acquireLabLock } from '../../main/core/lab-store/lab-lock.ts';
import { labPaths } from '../../main/core/lab-store/lab-home.ts';
import { readLabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { readLabRecord } from '../../main/core/lab-store/lab-records.ts';
import { connectElasticsearch } from '../../main/core/stack/elasticsearch-client.ts';
import { httpsJson } from '../../main/core/stack/https-json.ts';
import { listFleetAgents } from '../../main/core/stack/kibana-fleet-setup.ts';
import { SAMPLE_INDEX } from '../../main/core/stack/elasticsearch-setup.ts';
import { verifyLab } from '../../main/core/verification/verify-lab.ts';
import { LabWatcher } from '../../main/core/verification/lab-watcher.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../main/core/emulator-images/build-emulator-images.ts';
import { createTestLabHome, freeTestSubnet, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

const run = promisify(execFile);
let home: TestLabHome;
const lab = uniqueLabName('lc');
const smallLab = uniqueLabName('lcsmall');
const decoyLab = `${lab}-decoy`.slice(0, 20);

function connections() {
  const record = readLabRecord(home.home, lab)!;
  const secrets = readLabSecrets(home.home, lab)!;
  const caPem = readFileSync(join(labPaths(home.home, lab).certs, 'ca', 'ca.crt'), 'utf8');
  return { record, secrets, caPem, es: `https://127.0.0.1:${record.allocation.ports.elasticsearch}` };
}

function elastic() {
  const { secrets, caPem, es } = connections();
  return connectElasticsearch({ url: es, caPem, auth: { username: 'elastic', password: secrets['elastic-password']! } });
}

async function labelledObjectCount(name: string): Promise<number> {
  const objects = await home.environment.engine().labObjects(name);
  return objects.containers.length + objects.volumes.length + objects.networks.length;
}

describe('lab orchestrator on the real engine with emulated images', () => {
  beforeAll(async () => {
    home = createTestLabHome();
  });
  afterAll(async () => {
    const engine = home.environment.engine();
    for (const name of [`seclab-${lab}-es09`]) await engine.removeContainer(name).catch(() => undefined);
    await engine.removeVolume(`seclab-${lab}-es09-data`).catch(() => undefined);
    await engine.removeNetwork(`seclab-${lab}-old`).catch(() => undefined);
    await home.cleanup([lab, smallLab]);
  });

  it('brings up the default lab: 3 nodes over mutual TLS, Kibana over HTTPS, Fleet Server healthy, agent online', async () => {
    const result = await upLab(home.context, { name: lab, images: 'emulated' });
    expect(result.outcome).toBe('created');
    expect(result.status.state).toBe('running');
    expect(result.status.emulated).toBe(true);
    expect(result.status.components.map((c) => c.component)).toEqual(['es01', 'es02', 'es03', 'kibana', 'fleet-server', 'agent01']);
    const finished = home.events.filter((e) => e.type === 'phase-finished').map((e) => (e.type === 'phase-finished' ? `${e.phase}:${e.outcome}` : ''));
    expect(finished).toEqual(UP_PHASES.filter((p) => p !== 'verification').map((p) => `${p}:done`));
    // Fleet Server is made as soon as its service token exists, while the roles, users and sample data are written.
    const order = home.events.map((e) => (e.type === 'phase-finished' ? `finished ${e.phase}` : e.type === 'component-state' ? `${e.component} ${e.state}` : ''));
    expect(order.indexOf('fleet-server creating')).toBeGreaterThan(order.indexOf('finished elasticsearch'));
    expect(order.indexOf('fleet-server creating')).toBeLessThan(order.indexOf('finished security-setup'));
    // The agent's container starts once Fleet Server has answered healthy twice, before its third answer ends the phase.
    expect(order.indexOf('agent01 starting')).toBeGreaterThan(order.indexOf('fleet-server waiting'));
    expect(order.indexOf('agent01 starting')).toBeLessThan(order.indexOf('finished fleet'));
    // Made while Fleet Server proved itself healthy, so the first verification only execs in them.
    const probes = (await home.environment.engine().labObjects(lab)).containers.filter((c) => c.labels['seclab.role'] === 'probe');
    expect(probes.map((p) => `${p.name}:${p.state}`).sort()).toEqual([`seclab-${lab}-probe-es01:running`, `seclab-${lab}-probe-outsider:running`]);

    const client = elastic();
    try {
      const health = await client.cluster.health();
      expect(health.number_of_nodes).toBe(3);
      expect(health.status).toBe('green');
    } finally {
      await client.close();
    }
    const checks = await verifyLab(home.environment, lab, ['transport.cluster-formed', 'transport.mutual-auth', 'transport.tls']);
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['transport.cluster-formed:pass', 'transport.mutual-auth:pass', 'transport.tls:pass']);

    const { record, secrets, caPem } = connections();
    const kibana = { url: `https://127.0.0.1:${record.allocation.ports.kibana}`, caPem, username: 'lab_admin', password: secrets['lab-admin-password']! };
    const status = await httpsJson<{ status: { overall: { level: string } } }>({ url: `${kibana.url}/api/status`, caPem, basicAuth: kibana });
    expect(status.status).toBe(200);
    expect(status.body.status.overall.level).toBe('available');
    const fleet = await httpsJson<{ status: string }>({ url: `https://127.0.0.1:${record.allocation.ports.fleetServer}/api/status`, caPem });
    expect(fleet.body.status).toBe('HEALTHY');
    const agents = await listFleetAgents(kibana);
    expect(agents.filter((a) => a.status === 'online').length).toBeGreaterThanOrEqual(2); // fleet-server + agent01
  });

  it("gives Elastic's images what they need: health in docker ps, no capabilities, bootstrap-only settings gone, the enrollment token spent", async () => {
    const engine = home.environment.engine();
    const deadline = Date.now() + 90_000;
    let components = (await observeLab(engine, home.home, lab)).components;
    while (components.some((c) => c.health !== 'healthy') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      components = (await observeLab(engine, home.home, lab)).components;
    }
    expect(components.map((c) => `${c.component}:${c.health}`)).toEqual(['es01', 'es02', 'es03', 'kibana', 'fleet-server', 'agent01'].map((c) => `${c}:healthy`));
    const { stdout: ps } = await run('docker', ['ps', '--filter', `label=${LAB_LABEL}=${lab}`, '--format', '{{.Names}} {{.Status}}']);
    for (const component of components) {
      expect(ps.split('\n').find((line) => line.startsWith(`${component.container} `))).toMatch(/ Up .*\(healthy\)$/);
    }

    for (const component of components) {
      const info = (await engine.inspectContainer(component.container))!;
      expect(info.HostConfig.CapDrop, component.component).toEqual(['ALL']);
      expect(info.HostConfig.CapAdd ?? [], component.component).toEqual([]);
      expect(info.HostConfig.SecurityOpt, component.component).toContain('no-new-privileges');
    }

    // cluster.initial_master_nodes only bootstraps: never in env, and gone from elasticsearch.yml once formed.
    for (const node of components.filter((c) => c.kind === 'elasticsearch')) {
      const info = (await engine.inspectContainer(node.container))!;
      expect(info.Config.Env.some((entry) => entry.startsWith('cluster.initial_master_nodes='))).toBe(false);
      const { stdout: yml } = await run('docker', ['exec', node.container, 'cat', '/usr/share/elasticsearch/config/elasticsearch.yml']);
      expect(yml).toBe('cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n');
    }

    // The agent image has no state/ folder: the lab's volume was given to uid 1000 before the agent started.
    const { stdout: stateFolder } = await run('docker', ['exec', `seclab-${lab}-agent01`, 'ls', '-ldn', '/usr/share/elastic-agent/state']);
    expect(stateFolder).toMatch(/^drwxrwx--- +\d+ 1000 0 /);

    // The token docker inspect still shows (the agent image reads it only from env) enrolls nothing more.
    const { record, secrets, caPem } = connections();
    const enroll = await httpsJson<{ error?: string }>({
      method: 'POST',
      url: `https://127.0.0.1:${record.allocation.ports.fleetServer}/api/fleet/agents/enroll`,
      caPem,
      headers: { Authorization: `ApiKey ${secrets['agent-enrollment-token']}`, 'User-Agent': 'Elastic Agent v9.5.2' },
      body: { type: 'PERMANENT', metadata: { local: { elastic: { agent: { version: '9.5.2' } }, host: { hostname: 'rogue' } }, user_provided: {} } },
    });
    expect(enroll.status, enroll.text).toBe(401);
    const [keystore] = await verifyLab(home.environment, lab, ['secrets.keystore']);
    expect(keystore.status).toBe('pass');
    expect(keystore.evidence.join('\n')).toMatch(/agent01: env holds FLEET_ENROLLMENT_TOKEN .*its API key \S+ is invalidated/);
  });

  it('is idempotent: up on a running lab changes nothing', async () => {
    const before = await labelledObjectCount(lab);
    const password = readLabSecrets(home.home, lab)!['elastic-password'];
    const again = await upLab(home.context, { name: lab, images: 'emulated' });
    expect(again.outcome).toBe('already-running');
    expect(await labelledObjectCount(lab)).toBe(before);
    expect(readLabSecrets(home.home, lab)!['elastic-password']).toBe(password);
  });

  it('refuses a second up of the same lab while one holds the lock', async () => {
    const release = acquireLabLock(home.home, lab, 'up');
    try {
      await expect(upLab(home.context, { name: lab, images: 'emulated' })).rejects.toMatchObject({ code: 'LAB_BUSY', message: expect.stringContaining(`lab "${lab}" is busy`) });
    } finally {
      release();
    }
  });

  it('starts a stopped lab again with its data and passwords', async () => {
    const client = elastic();
    const countBefore = (await client.count({ index: SAMPLE_INDEX })).count;
    await client.close();
    const engine = home.environment.engine();
    const status = await observeLab(engine, home.home, lab);
    // One at a time: a network's containers exiting together can deadlock Docker before 20.10.27 (concurrentNetworkLeavesMayDeadlock).
    for (const component of status.components) await engine.stopContainer(component.container, 2);
    expect((await observeLab(engine, home.home, lab)).state).toBe('stopped');
    const password = readLabSecrets(home.home, lab)!['elastic-password'];

    const restarted = await upLab(home.context, { name: lab });
    expect(restarted.outcome).toBe('started');
    // The restarted nodes no longer see cluster.initial_master_nodes, so ES has nothing to warn about.
    for (const node of ['es01', 'es02', 'es03']) {
      expect(await engine.logs(`seclab-${lab}-${node}`, { tail: 400 })).not.toMatch(/locked into cluster UUID .* but \[cluster\.initial_master_nodes\] is set/);
    }
    expect(restarted.status.state).toBe('running');
    expect(readLabSecrets(home.home, lab)!['elastic-password']).toBe(password);
    const after = elastic();
    try {
      expect((await after.count({ index: SAMPLE_INDEX })).count).toBe(countBefore);
    } finally {
      await after.close();
    }
  });

  it('reports status from a new process, rediscovered from labels and the lab folder', async () => {
    const { stdout } = await run(process.execPath, ['bin/seclab.mjs', 'status', '--lab', lab, '--json'], { env: { ...process.env, SECLAB_HOME: home.home }, timeout: 60_000 });
    const status = JSON.parse(stdout);
    expect(status).toMatchObject({ lab, state: 'running', emulated: true });
    expect(status.components).toHaveLength(6);
    expect(status.components.every((c: { state: string }) => c.state === 'running')).toBe(true);
    expect(status.components.find((c: { component: string }) => c.component === 'es01').ports).toEqual([{ hostIp: '127.0.0.1', hostPort: connections().record.allocation.ports.elasticsearch, containerPort: 9200 }]);
    // The layers ride along: every check of DESIGN.md, pass or (cloud-only) info; on an engine that caps
    // open files below ES's bootstrap check, runtime.limits warns and names the cap.
    expect(status.checks).toHaveLength(25);
    const notPassing = status.checks.filter((c: { status: string }) => c.status !== 'pass').map((c: { id: string; status: string }) => `${c.id}:${c.status}`);
    const capped = connections().record.allocation.raiseFileLimit === false;
    expect(notPassing).toEqual([...(capped ? ['runtime.limits:warn'] : []), 'cloud.private-link:info', 'cloud.byok:info']);
    if (capped) {
      const limits = status.checks.find((c: { id: string }) => c.id === 'runtime.limits');
      expect(limits.evidence[0]).toMatch(/the engine caps open files below 65535: es01 \(\d+\).*official image would exit with code 78/);
    }
    expect(status.components.every((c: { health: string }) => ['healthy', 'starting'].includes(c.health))).toBe(true);
  });

  it('warns about a certificate that expires within 30 days', async () => {
    const later = { ...home.environment, now: () => new Date(Date.now() + 340 * 24 * 3600 * 1000) };
    const [check] = await verifyLab(later, lab, ['http.cert-valid']);
    expect(check.status).toBe('warn');
    expect(check.evidence[0]).toMatch(/es01's certificate expires in 2\d days/);
  });

  it('pushes a status update when a component stops, without being asked', async () => {
    const updates: Array<{ state: string; agent?: string; enrolled?: string }> = [];
    const watcher = new LabWatcher(home.environment, lab, {
      intervalMs: 60_000,
      debounceMs: 300,
      onChange: (status) =>
        updates.push({
          state: status.state,
          agent: status.components.find((c) => c.component === 'agent01')?.state,
          enrolled: status.checks?.find((c) => c.id === 'runtime.non-root')?.status,
        }),
    });
    await watcher.start(await verifyLab(home.environment, lab));
    try {
      await home.environment.engine().stopContainer(`seclab-${lab}-agent01`, 1);
      const deadline = Date.now() + 60_000;
      while (!updates.some((u) => u.agent === 'exited') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(updates.find((u) => u.agent === 'exited')).toMatchObject({ state: 'degraded', agent: 'exited' });
    } finally {
      watcher.stop();
      await home.environment.engine().startContainer(`seclab-${lab}-agent01`);
    }
  });

  it('runs a second lab side by side with its own subnet, ports and folder', async () => {
    const second = await upLab(home.context, { name: smallLab, images: 'emulated', elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0 });
    expect(second.status.state).toBe('running');
    const first = readLabRecord(home.home, lab)!;
    const other = readLabRecord(home.home, smallLab)!;
    expect(other.allocation.subnetIndex).not.toBe(first.allocation.subnetIndex);
    expect(other.allocation.ports.elasticsearch).not.toBe(first.allocation.ports.elasticsearch);
    expect(labPaths(home.home, smallLab).root).not.toBe(labPaths(home.home, lab).root);
    await downLab(home.context, smallLab, { purge: true });
    expect(await labelledObjectCount(smallLab)).toBe(0);
    expect((await observeLab(home.environment.engine(), home.home, lab)).state).toBe('running');
  });

  it('reset gives a fresh lab: new passwords and CA, no leftover data, same subnet', async () => {
    const before = connections();
    const client = elastic();
    await client.index({ index: 'lab-logs-before-reset', document: { message: 'must not survive a reset' }, refresh: true });
    await client.close();
    const fingerprint = readFileSync(join(labPaths(home.home, lab).certs, 'ca', 'fingerprint'), 'utf8');

    const engine = home.environment.engine();
    const networkBefore = (await engine.labObjects(lab)).networks;
    const probeIds = async () => Object.fromEntries((await engine.labObjects(lab)).containers.filter((c) => c.labels['seclab.role'] === 'probe').map((c) => [c.name, c.id]));
    const probesBefore = await probeIds();
    const eventsBefore = home.events.length;

    const result = await resetLab(home.context, lab);
    expect(result.status.state).toBe('running');
    // The lab's network stays through the reset (same id): no component ran on it between the teardown and the new lab.
    expect(networkBefore).toHaveLength(1);
    expect((await engine.labObjects(lab)).networks.map((network) => network.id)).toEqual([networkBefore[0].id]);
    const resetEvents = home.events.slice(eventsBefore);
    expect(resetEvents).toContainEqual(expect.objectContaining({ type: 'phase-finished', phase: 'teardown', detail: expect.stringMatching(/0 networks; the network is kept for the new lab$/) }));
    expect(resetEvents).toContainEqual(expect.objectContaining({ type: 'phase-finished', phase: 'network', outcome: 'skipped', detail: expect.stringMatching(/used again: no component runs on it/) }));
    // The outsider's standing probe stays with the network (it holds nothing); es01's shared the old es01's stack and is made anew.
    const probesAfter = await probeIds();
    expect(probesAfter[`seclab-${lab}-probe-outsider`]).toBe(probesBefore[`seclab-${lab}-probe-outsider`]);
    expect(probesAfter[`seclab-${lab}-probe-es01`]).toBeDefined();
    expect(probesAfter[`seclab-${lab}-probe-es01`]).not.toBe(probesBefore[`seclab-${lab}-probe-es01`]);
    // From the kept probe, the new lab's nodes refuse HTTP to an address no allow list names; from es01's new one, the cluster formed over mutual TLS.
    const checks = await verifyLab(home.environment, lab, ['network.ip-filter', 'transport.cluster-formed', 'transport.mutual-auth']);
    expect(checks.map((check) => `${check.id}:${check.status}`)).toEqual(['network.ip-filter:pass', 'transport.cluster-formed:pass', 'transport.mutual-auth:pass']);
    const after = connections();
    expect(after.secrets['elastic-password']).not.toBe(before.secrets['elastic-password']);
    expect(after.secrets['kibana-system-password']).not.toBe(before.secrets['kibana-system-password']);
    expect(readFileSync(join(labPaths(home.home, lab).certs, 'ca', 'fingerprint'), 'utf8')).not.toBe(fingerprint);
    expect(after.record.allocation.subnetIndex).toBe(before.record.allocation.subnetIndex);
    // Ports stay the same unless another program took one while the lab was down (then free ones are chosen).
    const fresh = elastic();
    try {
      expect(await fresh.indices.exists({ index: 'lab-logs-before-reset' })).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it('down removes every object with the lab label and leaves look-alikes without it', async () => {
    const engine = home.environment.engine();
    // Decoys: lab-like names, labelled for another lab (never for this one).
    const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
    const decoyLabels = { [LAB_LABEL]: decoyLab };
    await engine.createVolume(`seclab-${lab}-es09-data`, decoyLabels);
    const decoySubnet = await freeTestSubnet(engine);
    await engine.createNetwork(`seclab-${lab}-old`, decoySubnet.subnet, decoySubnet.gateway, decoyLabels);
    await engine.createContainer({ name: `seclab-${lab}-es09`, image, user: '1000:0', env: {}, labels: decoyLabels, cmd: ['/usr/local/bin/node', '-e', '0'], entrypoint: [] });

    const result = await downLab(home.context, lab, { purge: true });
    expect(result.removed.containers).toBe(6);
    expect(await labelledObjectCount(lab)).toBe(0);
    expect(existsSync(labPaths(home.home, lab).root)).toBe(false);
    expect(await engine.inspectContainer(`seclab-${lab}-es09`)).toBeDefined();
    expect((await engine.docker.getVolume(`seclab-${lab}-es09-data`).inspect()).Name).toBe(`seclab-${lab}-es09-data`);
    expect((await engine.docker.getNetwork(`seclab-${lab}-old`).inspect()).Name).toBe(`seclab-${lab}-old`);
  });
});
