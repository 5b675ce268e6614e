import { describe, expect, it, vi } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import type { DockerEngine, EngineVersion } from '../docker/docker-engine.ts';
import { planLab } from '../planner/plan-lab.ts';
import { engineIsLocal, runPreflight, type PreflightInputs } from './preflight.ts';

const plan = planLab(parseLabSpec({ name: 'vmcheck', images: 'emulated' }), { subnetIndex: 201, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } });

const dockerCe: EngineVersion = {
  version: '20.10.24',
  apiVersion: '1.41',
  os: 'linux',
  kernelVersion: '6.1.0-18-amd64',
  memoryBytes: 64 * 1024 ** 3,
  operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  components: ['Engine', 'containerd', 'runc', 'docker-init'],
};
const dockerDesktop: EngineVersion = { ...dockerCe, version: '27.4.0', kernelVersion: '6.10.14-linuxkit', operatingSystem: 'Docker Desktop' };
const dockerDesktopWsl: EngineVersion = { ...dockerDesktop, kernelVersion: '5.15.167.4-microsoft-standard-WSL2' };

/** Only the engine's description is stubbed: which kernel counts is decided from it (the real engine is covered in integration/orchestrator). */
const engineDescribedAs = (version: EngineVersion) => ({ version: async () => version }) as unknown as DockerEngine;

async function maxMapCountCheck(version: EngineVersion, inputs: Partial<PreflightInputs>) {
  const checks = await runPreflight({ engine: engineDescribedAs(version), plan, portsHeldByLab: [], labExists: false, isPortFree: async () => true, freeDiskBytes: () => 100 * 1024 ** 3, ...inputs });
  return checks.find((check) => check.id === 'max-map-count');
}

describe("vm.max_map_count is the engine kernel's, read inside a container on the engine", () => {
  it("uses the value the engine probe read, not this machine's", async () => {
    const hostReader = vi.fn(() => 262144);
    const check = await maxMapCountCheck(dockerCe, { engineLimits: { memoryLock: true, raiseFileLimit: true, maxMapCount: 65530 }, readMaxMapCount: hostReader, hostPlatform: 'linux', engineIsLocal: true });
    expect(check).toEqual({
      id: 'max-map-count',
      title: 'vm.max_map_count',
      status: 'fail',
      detail: "vm.max_map_count is 65530, read inside a container on the engine; Elasticsearch's bootstrap check needs at least 262144",
      fix: 'sudo sysctl -w vm.max_map_count=262144, and to keep it after a reboot: echo vm.max_map_count=262144 | sudo tee /etc/sysctl.d/99-elasticsearch.conf.',
    });
    expect(hostReader).not.toHaveBeenCalled();
  });

  it("passes on the engine's 262144 even where this machine has 65530", async () => {
    const check = await maxMapCountCheck(dockerCe, { engineLimits: { maxMapCount: 262144 }, readMaxMapCount: () => 65530, hostPlatform: 'linux', engineIsLocal: true });
    expect(check).toMatchObject({ status: 'pass', detail: 'vm.max_map_count is 262144, read inside a container on the engine' });
  });

  it("on Docker Desktop never asks this machine: a throwaway container reads the VM's value when the probe did not", async () => {
    const hostReader = vi.fn(() => 262144);
    const engineReader = vi.fn(async () => 65530);
    const check = await maxMapCountCheck(dockerDesktop, { readMaxMapCount: hostReader, readEngineMaxMapCount: engineReader, hostPlatform: 'linux', engineIsLocal: true });
    expect(check).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^vm.max_map_count is 65530, read inside a container on the engine;/),
      fix: expect.stringMatching(/update Docker Desktop .*docker run --rm --privileged alpine sysctl -w vm.max_map_count=262144/),
    });
    expect(hostReader).not.toHaveBeenCalled();
    expect(engineReader).toHaveBeenCalledOnce();
  });

  it('gives the WSL 2 fix for Docker Desktop on Windows', async () => {
    const check = await maxMapCountCheck(dockerDesktopWsl, { engineLimits: { maxMapCount: 65530 }, hostPlatform: 'win32', engineIsLocal: true });
    expect(check?.fix).toMatch(/^Docker Desktop on WSL 2: wsl -d docker-desktop -u root sysctl -w vm.max_map_count=262144 .*kernelCommandLine = "sysctl.vm.max_map_count=262144"/);
  });

  it("falls back to this machine's /proc only where the engine runs on its kernel, and says so", async () => {
    const check = await maxMapCountCheck(dockerCe, { readMaxMapCount: () => 65530, readEngineMaxMapCount: async () => 262144, hostPlatform: 'linux', engineIsLocal: true });
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^vm.max_map_count is 65530, read on this machine, whose kernel the engine runs on \(no container on the engine read it\);/) });
  });

  it('warns, with the fix for the engine host, when nothing on a remote engine could read it', async () => {
    const hostReader = vi.fn(() => 262144);
    const check = await maxMapCountCheck(dockerCe, { readMaxMapCount: hostReader, readEngineMaxMapCount: async () => undefined, hostPlatform: 'linux', engineIsLocal: false });
    expect(check).toEqual({
      id: 'max-map-count',
      title: 'vm.max_map_count',
      status: 'warn',
      detail: "could not read vm.max_map_count of the engine's kernel: no container on the engine could read it, and the engine is on another machine",
      fix: "Make sure it is at least 262144. On the engine's host: sudo sysctl -w vm.max_map_count=262144, and to keep it after a reboot: echo vm.max_map_count=262144 | sudo tee /etc/sysctl.d/99-elasticsearch.conf.",
    });
    expect(hostReader).not.toHaveBeenCalled();
  });
});

describe('an engine on this machine', () => {
  it('answers on a unix socket or a named pipe; tcp:// and ssh:// may be anywhere', () => {
    expect(engineIsLocal(undefined)).toBe(true);
    expect(engineIsLocal('unix:///var/run/docker.sock')).toBe(true);
    expect(engineIsLocal('npipe:////./pipe/podman-machine-default')).toBe(true);
    expect(engineIsLocal('tcp://10.0.0.5:2376')).toBe(false);
    expect(engineIsLocal('ssh://me@build-host')).toBe(false);
  });
});

describe('capped container ulimits name the fix for the platform', () => {
  it("Docker Desktop's Docker Engine settings rather than dockerd flags", async () => {
    const checks = await runPreflight({
      engine: engineDescribedAs(dockerDesktop),
      plan,
      portsHeldByLab: [],
      labExists: false,
      isPortFree: async () => true,
      hostPlatform: 'darwin',
      engineIsLocal: true,
      engineLimits: { memoryLock: false, raiseFileLimit: false, fileLimitCap: 20000, maxMapCount: 262144 },
    });
    expect(checks.find((check) => check.id === 'memlock')).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/^Before using official images, raise the engine's default ulimits: in Docker Desktop's Settings → Docker Engine/),
    });
  });
});

/** The ports check on a local Docker engine where 127.0.0.1 binds every port: only `inputs` can make one busy. */
async function portsCheckWith(inputs: Partial<PreflightInputs>) {
  const checks = await runPreflight({ engine: engineDescribedAs(dockerCe), plan, portsHeldByLab: [], labExists: false, isPortFree: async () => true, freeDiskBytes: () => 100 * 1024 ** 3, ...inputs });
  return checks.find((check) => check.id === 'ports');
}

describe('host ports another engine publishes without a socket', () => {
  it('fail, naming the container and its engine, though 127.0.0.1 binds them', async () => {
    expect(await portsCheckWith({ portsPublishedHere: new Map([[5601, 'container seclab-other-kibana on unix:///run/podman/podman.sock']]) })).toMatchObject({
      status: 'fail',
      detail: 'already in use: 127.0.0.1:5601 (kibana, published by container seclab-other-kibana on unix:///run/podman/podman.sock)',
      fix: expect.stringContaining('--port-kibana'),
    });
  });
});

describe('a port another up is taking right now', () => {
  it('fails, naming that up, though nothing holds the port yet', async () => {
    expect(await portsCheckWith({ portClaims: { holder: (port) => (port === 8220 ? { pid: 4242, lab: 'other' } : undefined) } })).toMatchObject({
      status: 'fail',
      detail: 'already in use: 127.0.0.1:8220 (fleet-server, being taken by `seclab up` of lab "other", pid 4242)',
    });
  });
});

describe('the Docker engine check names a Docker whose concurrent container exits may deadlock', () => {
  const dockerCheck = async (version: EngineVersion) =>
    (await runPreflight({ engine: engineDescribedAs(version), plan, portsHeldByLab: [], labExists: false, isPortFree: async () => true, freeDiskBytes: () => 100 * 1024 ** 3 })).find((check) => check.id === 'docker')!;

  it('passes, saying so and what seclab does about it, before 20.10.27 (Debian 12 ships 20.10.24)', async () => {
    const check = await dockerCheck(dockerCe);
    expect(check.status).toBe('pass');
    expect(check.detail).toContain(
      "; before 20.10.27, a network's containers leaving it together can deadlock it (moby/moby#46661), so seclab takes a lab's containers off its network one at a time; Docker 20.10.27 or later fixes it",
    );
  });

  it('says nothing of it from 20.10.27, nor for Podman', async () => {
    expect((await dockerCheck(dockerDesktop)).detail).not.toContain('deadlock');
    expect((await dockerCheck({ ...dockerCe, version: '20.10.27' })).detail).not.toContain('deadlock');
    expect((await dockerCheck({ ...dockerCe, version: '4.3.1', components: ['Podman Engine'] })).detail).not.toContain('deadlock');
  });
});
