import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../common/lab-spec.ts';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { planLab } from '../../main/core/planner/plan-lab.ts';
import { runPreflight } from '../../main/core/orchestrator/preflight.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { listLabs, observeLab } from '../../main/core/orchestrator/observe-lab.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../main/core/emulator-images/build-emulator-images.ts';
import { labPaths } from '../../main/core/lab-store/lab-home.ts';
import { buildEmulatorImages } from '../../main/core/emulator-images/build-emulator-images.ts';
import { packTar } from '../../main/core/docker/tar-archive.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

let home: TestLabHome;
const engine = new DockerEngine();
const allocation = { subnetIndex: 200, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } };
const plan = planLab(parseLabSpec({ name: 'preflight', images: 'emulated' }), allocation);
const free = async () => true;

async function objectCount(lab: string) {
  const o = await engine.labObjects(lab);
  return o.containers.length + o.volumes.length + o.networks.length;
}

const run = promisify(execFile);

/** A loopback port nothing listens on: the registry of a machine without one. */
async function closedLoopbackPort(): Promise<number> {
  const { server, port } = await listenOnLoopback();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listenOnLoopback(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('preflight: each failure in one line with its fix, nothing created', () => {
  beforeAll(() => {
    home = createTestLabHome();
  });

  it('names an unreachable Docker engine and how to start one', async () => {
    const checks = await runPreflight({ engine: new DockerEngine(new Docker({ socketPath: '/nonexistent/docker.sock' })), plan, portsHeldByLab: [], labExists: false });
    expect(checks).toHaveLength(1);
    // The sentence carries its fix (engine-connection.ts), so there is no separate one to repeat it.
    expect(checks[0]).toEqual({
      id: 'docker',
      title: 'Docker engine',
      status: 'fail',
      detail: 'Docker is not running at unix:///nonexistent/docker.sock: start it (`sudo systemctl start docker`, or open Docker Desktop), or point DOCKER_HOST at an engine',
    });
  });

  it('refuses a lab that needs more memory than the engine has', async () => {
    const huge = planLab(parseLabSpec({ name: 'huge', images: 'emulated', elasticsearch: { nodes: 7, memory: '16g' } }), allocation);
    const checks = await runPreflight({ engine, plan: huge, portsHeldByLab: [], labExists: false, isPortFree: free });
    expect(checks.find((c) => c.id === 'memory')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/add up to 11\d\.\d GiB; the engine has/), fix: expect.stringMatching(/--nodes, --memory/) });
  });

  it("refuses a low vm.max_map_count read on this Linux machine (no probe ran), saying where it was read, with this engine's platform fix", async () => {
    const checks = await runPreflight({ engine, plan, portsHeldByLab: [], labExists: false, isPortFree: free, readMaxMapCount: () => 65530, engineIsLocal: true, hostPlatform: 'linux' });
    expect(checks.find((c) => c.id === 'max-map-count')).toMatchObject({
      status: 'fail',
      detail: "vm.max_map_count is 65530, read on this machine, whose kernel the engine runs on (no container on the engine read it); Elasticsearch's bootstrap check needs at least 262144",
      fix: expect.stringMatching(/^sudo sysctl -w vm.max_map_count=262144, and to keep it after a reboot: .*\/etc\/sysctl.d\/99-elasticsearch.conf/),
    });
  });

  it('refuses host ports that another program holds', async () => {
    const { server, port } = await listenOnLoopback();
    try {
      const busy = planLab(parseLabSpec({ name: 'busy', images: 'emulated', ports: { kibana: port } }), { ...allocation, ports: { ...allocation.ports, kibana: port } });
      const checks = await runPreflight({ engine, plan: busy, portsHeldByLab: [], labExists: false });
      // Other default ports may be held by labs already running on this engine: only ours is asserted.
      expect(checks.find((c) => c.id === 'ports')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`127.0.0.1:${port} (kibana)`), fix: expect.stringMatching(/--port-kibana/) });
    } finally {
      server.close();
    }
  });

  it('refuses a nearly full disk', async () => {
    const checks = await runPreflight({ engine, plan, portsHeldByLab: [], labExists: false, isPortFree: free, freeDiskBytes: () => 1024 ** 3, engineIsLocal: true });
    expect(checks.find((c) => c.id === 'disk')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/1\.0 GiB free; Elasticsearch's disk watermarks/) });
  });

  it('warns that a lab of that name exists', async () => {
    const checks = await runPreflight({ engine, plan, portsHeldByLab: [], labExists: true, isPortFree: free });
    expect(checks.find((c) => c.id === 'lab-exists')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/exists already/) });
  });

  it('refuses official images in a multi-node cluster where the engine caps open files, naming the cap and both fixes', async () => {
    // Official plans name a registry: a closed loopback port, so no test asks anything of the internet.
    const capped = { memoryLock: false, raiseFileLimit: false, fileLimitCap: 20000, officialRegistry: `127.0.0.1:${await closedLoopbackPort()}` };
    const official = planLab(parseLabSpec({ name: 'capped' }), { ...allocation, ...capped });
    const [limits] = (await runPreflight({ engine, plan: official, portsHeldByLab: [], labExists: false, isPortFree: free, engineLimits: capped })).filter((c) => c.id === 'memlock');
    expect(limits).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/caps open files at 20000: Elasticsearch enforces its bootstrap checks in a 3-node cluster and exits with code 78 below 65535/),
      fix: expect.stringMatching(/--default-ulimit nofile=65535:65535.*LimitNOFILE.*--nodes 1/),
    });
    const single = planLab(parseLabSpec({ name: 'capped', elasticsearch: { nodes: 1 } }), { ...allocation, ...capped });
    expect((await runPreflight({ engine, plan: single, portsHeldByLab: [], labExists: false, isPortFree: free, engineLimits: capped })).find((c) => c.id === 'memlock')).toMatchObject({ status: 'warn' });
    const emulated = planLab(parseLabSpec({ name: 'capped', images: 'emulated' }), { ...allocation, ...capped });
    expect((await runPreflight({ engine, plan: emulated, portsHeldByLab: [], labExists: false, isPortFree: free, engineLimits: capped })).find((c) => c.id === 'memlock')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/Elastic's official images would exit with code 78 in a 3-node cluster here; the emulated nodes log that bootstrap-check failure/),
    });
  });

  it('seclab doctor measures the engine: on this capped engine it fails for official images and warns for emulated ones', async () => {
    const closedPort = await closedLoopbackPort();
    const env = { ...process.env, SECLAB_HOME: home.home, SECLAB_OFFICIAL_REGISTRY: `127.0.0.1:${closedPort}`, NO_COLOR: '1' };
    const doctor = (args: string[]) =>
      run(process.execPath, ['bin/seclab.mjs', 'doctor', '--lab', uniqueLabName('doc'), ...args], { env, timeout: 120_000 }).then(
        (result) => ({ code: 0, stdout: result.stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const official = await doctor(['--nodes', '3']);
    const emulated = await doctor(['--images', 'emulated', '--nodes', '3']);
    const limits = await import('../../main/core/orchestrator/engine-limits.ts').then((m) => m.probeEngineLimits(engine, uniqueLabName('dl')));
    if (limits.raiseFileLimit) {
      expect(official.stdout).toMatch(/✓ Container limits/);
      return;
    }
    expect(official.code).toBe(1);
    expect(official.stdout).toMatch(new RegExp(`✕ Container limits: the engine caps open files at ${limits.fileLimitCap}: .*exits with code 78`));
    expect(official.stdout).toMatch(/fix: Either raise the engine's default ulimits: dockerd --default-ulimit nofile=65535:65535.*or run one node \(--nodes 1\)/);
    expect(emulated.stdout).toMatch(new RegExp(`! Container limits: the engine caps open files at ${limits.fileLimitCap}`));
    expect(emulated.stdout).not.toMatch(/✕/);
    expect(emulated.code).toBe(0);
  });

  it('an offline machine hears at preflight that the registry is unreachable (a warning), and is offered emulated images; up fails at the images in words, and leaves nothing', async () => {
    const closedPort = await closedLoopbackPort();
    const registry = `127.0.0.1:${closedPort}`;
    const official = planLab(parseLabSpec({ name: 'offline' }), { ...allocation, officialRegistry: registry });
    expect(official.containers[0].image).toBe(`${registry}/elasticsearch/elasticsearch:${official.version}`);
    const images = (await runPreflight({ engine, plan: official, portsHeldByLab: [], labExists: false, isPortFree: free })).find((c) => c.id === 'images');
    expect(images).toMatchObject({
      status: 'warn',
      title: 'Registry unreachable',
      detail: expect.stringContaining(`the Docker engine could not reach ${registry} for ${registry}/elasticsearch/elasticsearch:`),
      fix: expect.stringMatching(/seclab up --images emulated/),
    });

    const offlineHome = createTestLabHome();
    const lab = uniqueLabName('off');
    try {
      const context = { ...offlineHome.context, environment: { ...offlineHome.environment, officialRegistry: registry } };
      // One node: the engine's file limit (a multi-node official cluster's own preflight failure on some engines) is not what this is about.
      const failure = await upLab(context, { name: lab, elasticsearch: { nodes: 1 } }).catch((error: Error & { code?: string }) => error);
      expect(failure).toMatchObject({
        code: 'IMAGE_PULL_FAILED',
        message: expect.stringMatching(
          new RegExp(`^could not pull ${registry}/elasticsearch/elasticsearch:\\S+: the Docker engine could not reach ${registry} \\(.*connection refused\\)\\. Start the lab on emulated images`),
        ),
      });
      expect((failure as Error).message).not.toMatch(/HTTP code|server error/);
      const phases = offlineHome.events.filter((e) => e.type === 'phase-finished').map((e) => (e.type === 'phase-finished' ? `${e.phase}:${e.outcome}` : ''));
      // The images come before the network: a pull that fails leaves no lab object made for nothing.
      expect(phases).toEqual(['preflight:done', 'images:failed', 'rollback:done']);
      expect(await objectCount(lab)).toBe(0);
      expect(existsSync(labPaths(offlineHome.home, lab).root)).toBe(false);
    } finally {
      await offlineHome.cleanup([lab]);
    }
  });

  it('up stops at a failed preflight and creates nothing', async () => {
    const lab = uniqueLabName('pf');
    const { server, port } = await listenOnLoopback();
    try {
      await expect(upLab(home.context, { name: lab, images: 'emulated', ports: { elasticsearch: port } })).rejects.toMatchObject({
        code: 'PREFLIGHT_FAILED',
        message: expect.stringContaining(`Host ports: already in use: 127.0.0.1:${port} (es01)`),
      });
      expect(await objectCount(lab)).toBe(0);
      expect(existsSync(labPaths(home.home, lab).root)).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe('rollback: an image that exits mid-up leaves zero objects', () => {
  const version = '9.4.7';
  const lab = uniqueLabName('rb');
  beforeAll(async () => {
    await buildEmulatorImages(engine, { version });
    // Same tag and source label as the real emulated Kibana, so `up` takes it as up to date; it dies at start.
    const context = await packTar([
      {
        name: 'Dockerfile',
        content: Buffer.from(
          `FROM seclab-emulator/kibana:${version}\nLABEL ${LAB_LABEL}="${lab}"\nENTRYPOINT ["/usr/local/bin/node","-e","console.error('FATAL simulated crash: kibana cannot start'); process.exit(3)"]\nCMD []\n`,
        ),
        mode: 0o644,
        uid: 0,
        gid: 0,
      },
    ]);
    await engine.buildImage(context, `seclab-emulator/kibana:${version}`);
  });
  afterAll(async () => {
    await home.cleanup([lab]);
    // Put the real image back for whoever uses this version next.
    await buildEmulatorImages(engine, { version, products: ['kibana'], force: true });
  });

  it('names the component, the phase and its last log lines, then removes everything it created', async () => {
    const error = await upLab(home.context, { name: lab, images: 'emulated', version, agents: 0, fleetServer: false }).catch((e) => e);
    expect(error).toMatchObject({ code: 'COMPONENT_FAILED', context: { component: 'kibana', phase: 'kibana' } });
    expect(error.message).toMatch(/^kibana \(kibana\): Kibana: kibana exited with code 3/);
    expect(error.message).toContain('FATAL simulated crash: kibana cannot start');
    const rollback = home.events.findLast((e) => e.type === 'phase-finished' && e.phase === 'rollback');
    expect(rollback).toMatchObject({ outcome: 'done', detail: expect.stringMatching(/removed 4 containers, 8 volumes, 1 network$/) });
    expect(await objectCount(lab)).toBe(0);
    expect(existsSync(labPaths(home.home, lab).root)).toBe(false);
  });
});

describe('rollback: a node that dies while Kibana is being prepared leaves zero objects', () => {
  const version = '9.4.8';
  const lab = uniqueLabName('rbes');
  beforeAll(async () => {
    await buildEmulatorImages(engine, { version });
    const context = await packTar([
      {
        name: 'Dockerfile',
        content: Buffer.from(
          `FROM seclab-emulator/elasticsearch:${version}\nLABEL ${LAB_LABEL}="${lab}"\nENTRYPOINT ["/usr/local/bin/node","-e","console.error('simulated crash: es cannot start'); process.exit(3)"]\nCMD []\n`,
        ),
        mode: 0o644,
        uid: 0,
        gid: 0,
      },
    ]);
    await engine.buildImage(context, `seclab-emulator/elasticsearch:${version}`);
  });
  afterAll(async () => {
    await home.cleanup([lab]);
    await buildEmulatorImages(engine, { version, products: ['elasticsearch'], force: true });
  });

  it("waits for Kibana's early preparation, then removes it with everything else", async () => {
    const error = await upLab(home.context, { name: lab, images: 'emulated', version, agents: 0, fleetServer: false }).catch((e) => e);
    expect(error).toMatchObject({ code: 'COMPONENT_FAILED', context: { phase: 'elasticsearch' } });
    const rollback = home.events.findLast((e) => e.type === 'phase-finished' && e.phase === 'rollback' && e.lab === lab);
    // 3 nodes and Kibana (prepared while the nodes started), their 8 volumes, the network.
    expect(rollback).toMatchObject({ outcome: 'done', detail: expect.stringMatching(/removed 4 containers, 8 volumes, 1 network$/) });
    expect(await objectCount(lab)).toBe(0);
  });
});

describe('one-shot helpers are no part of a lab', () => {
  it('a one-shot of a lab being created (the engine-limits probe, say) is neither a lab nor an existing one', async () => {
    const lab = uniqueLabName('os');
    const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
    // An exited one-shot that the engine has not removed yet, as AutoRemove leaves one for a moment.
    await engine.createContainer({ name: `seclab-${lab}-limits-test`, image, user: '1000:0', env: {}, labels: { [LAB_LABEL]: lab, 'seclab.role': 'engine-probe' }, entrypoint: ['/usr/local/bin/node'], cmd: ['-e', '0'] });
    try {
      await expect(observeLab(engine, home.home, lab)).rejects.toMatchObject({ code: 'LAB_NOT_FOUND' });
      expect((await listLabs(engine, home.home)).map((summary) => summary.lab)).not.toContain(lab);
      const result = await upLab(home.context, { name: lab, images: 'emulated', elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0 });
      expect(result.outcome).toBe('created');
      expect(result.status.components.map((c) => c.component)).toEqual(['es01']);
    } finally {
      await home.cleanup([lab]);
    }
  });
});
