import { afterAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../main/core/emulator-images/build-emulator-images.ts';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { freeTestSubnet } from '../support/test-lab.ts';

const engine = new DockerEngine();
const lab = `smoke-${process.pid}`;
const network = `seclab-${lab}`;
const container = `seclab-${lab}-probe`;

describe('the Docker engine, through the project’s own client', () => {
  afterAll(async () => {
    await engine.removeContainer(container).catch(() => undefined);
    await engine.removeNetwork(network).catch(() => undefined);
  });

  it('builds an image locally, runs it on a labelled network with a static IP, and removes both', async () => {
    const version = await engine.version();
    expect(version.os).toBe('linux');

    const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
    expect(await engine.imageExists(image)).toBe(true);

    const { subnet, gateway, base } = await freeTestSubnet(engine);
    await engine.createNetwork(network, subnet, gateway, { [LAB_LABEL]: lab });
    const result = await engine.runToCompletion({
      name: container,
      image,
      user: '1000:0',
      env: {},
      labels: { [LAB_LABEL]: lab },
      network: { name: network, ip: `${base}.9` },
      cmd: ['/usr/local/bin/node', '-e', "const os=require('node:os');console.log(process.getuid(), Object.values(os.networkInterfaces()).flat().map(i=>i.address).join(' '))"],
    });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('1000 ');
    expect(result.output).toContain(`${base}.9`);

    const objects = await engine.labObjects(lab);
    expect(objects.networks.map((n) => n.name)).toEqual([network]);
    expect(objects.containers).toEqual([]); // one-shot containers remove themselves

    await engine.removeNetwork(network);
    expect((await engine.labObjects(lab)).networks).toEqual([]);
  });

  it('refuses to remove objects that carry no seclab.lab label', async () => {
    // The engine's own default network is the unlabelled object every engine has; it must survive.
    await expect(engine.removeNetwork('bridge')).rejects.toThrow(/refusing to touch network "bridge": it has no seclab\.lab label/);
    expect((await engine.docker.getNetwork('bridge').inspect()).Name).toBe('bridge');
    await expect(engine.createNetwork(`seclab-${lab}-x`, '172.29.251.0/24', '172.29.251.1', {})).rejects.toThrow(/no seclab\.lab label/);
  });
});
