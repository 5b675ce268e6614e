import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseLabSpec } from '../../common/lab-spec.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../main/core/emulator-images/build-emulator-images.ts';
import { probeEngineLimits, readEngineMaxMapCount, type EngineLimits } from '../../main/core/orchestrator/engine-limits.ts';
import { runPreflight } from '../../main/core/orchestrator/preflight.ts';
import { planLab } from '../../main/core/planner/plan-lab.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

const run = promisify(execFile);
const engine = new DockerEngine();
const plan = planLab(parseLabSpec({ name: 'kernel', images: 'emulated' }), { subnetIndex: 202, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } });
const labs: string[] = [];
let home: TestLabHome;
let probed: EngineLimits;
let probeContainers = 0;

/** What `docker run --rm <image> cat /proc/sys/vm/max_map_count` prints on this engine: the engine kernel's value, asked the plain way. */
async function maxMapCountByDockerRun(): Promise<number> {
  const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  const lab = uniqueLabName('kdr');
  labs.push(lab);
  const { stdout } = await run('docker', ['run', '--rm', '--network', 'none', '--label', `seclab.lab=${lab}`, '--label', 'seclab.role=engine-probe', '--entrypoint', 'cat', image, '/proc/sys/vm/max_map_count']);
  return Number(stdout.trim());
}

describe("vm.max_map_count as the engine's kernel has it, read inside a container on the real engine", () => {
  beforeAll(async () => {
    home = createTestLabHome();
    const lab = uniqueLabName('kpr');
    labs.push(lab);
    const oneShots = vi.spyOn(engine, 'runToCompletion');
    probed = await probeEngineLimits(engine, lab);
    probeContainers = oneShots.mock.calls.length;
    oneShots.mockRestore();
  });

  afterAll(async () => {
    for (const lab of labs) expect((await engine.labObjects(lab)).containers).toEqual([]);
    await home.cleanup([]);
  });

  it('the engine-limits probe reads what docker run reads, with no container of its own', async () => {
    expect(probed.maxMapCount).toEqual(await maxMapCountByDockerRun());
    expect(probed.maxMapCount).toBeGreaterThan(0);
    // memlock, nofile, and the defaults reader that now reads vm.max_map_count as well: still three.
    expect(probeContainers).toBe(3);
  });

  it("preflight reports the container-read value, not this machine's", async () => {
    const hostReader = vi.fn(() => 65530);
    const checks = await runPreflight({ engine, plan, portsHeldByLab: [], labExists: false, isPortFree: async () => true, readMaxMapCount: hostReader, engineIsLocal: true, hostPlatform: 'linux', engineLimits: probed });
    expect(checks.find((c) => c.id === 'max-map-count')).toEqual({
      id: 'max-map-count',
      title: 'vm.max_map_count',
      status: probed.maxMapCount! >= 262144 ? 'pass' : 'fail',
      detail: expect.stringMatching(new RegExp(`^vm.max_map_count is ${probed.maxMapCount}, read inside a container on the engine`)),
      ...(probed.maxMapCount! >= 262144 ? {} : { fix: expect.any(String) }),
    });
    expect(hostReader).not.toHaveBeenCalled();
  });

  it('where this machine is not the engine kernel (seen from a Mac), a throwaway container reads it for a recorded lab', async () => {
    const lab = uniqueLabName('kvm');
    labs.push(lab);
    const hostReader = vi.fn(() => 65530);
    const checks = await runPreflight({
      engine,
      plan,
      portsHeldByLab: [],
      labExists: false,
      isPortFree: async () => true,
      readMaxMapCount: hostReader,
      readEngineMaxMapCount: () => readEngineMaxMapCount(engine, lab),
      engineIsLocal: true,
      hostPlatform: 'darwin',
    });
    expect(checks.find((c) => c.id === 'max-map-count')?.detail).toMatch(new RegExp(`^vm.max_map_count is ${probed.maxMapCount}, read inside a container on the engine`));
    expect(hostReader).not.toHaveBeenCalled();
  });

  it('seclab doctor says the value was read inside a container on the engine', async () => {
    const lab = uniqueLabName('kdoc');
    labs.push(lab);
    const env = { ...process.env, SECLAB_HOME: home.home, NO_COLOR: '1' };
    const { stdout } = await run(process.execPath, ['bin/seclab.mjs', 'doctor', '--lab', lab, '--images', 'emulated', '--nodes', '1'], { env, timeout: 120_000 }).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    expect(stdout).toMatch(new RegExp(`vm.max_map_count: vm.max_map_count is ${probed.maxMapCount}, read inside a container on the engine`));
  });
});
