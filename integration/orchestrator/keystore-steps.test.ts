import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../common/lab-spec.ts';
import type { ContainerPlan, LabPlan } from '../../common/lab-plan.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorImages } from '../../main/core/emulator-images/build-emulator-images.ts';
import { generateLabSecrets, type LabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { prepareVolumesAndKeystore, runKeystoreSteps, type CreatedObjects } from '../../main/core/orchestrator/materialize-container.ts';
import { keystoreToolFor } from '../../main/core/orchestrator/keystore-tools.ts';
import { planLab } from '../../main/core/planner/plan-lab.ts';
import { uniqueLabName } from '../support/test-lab.ts';

/**
 * Kibana's keystore (create and four values) is written by one one-shot container of its image, its
 * values fed line by line on stdin: every setting lands, nothing of a value is in the container's
 * command, and a failing step is named with the rest of the output scrubbed of secrets.
 */
const engine = new DockerEngine();
const lab = uniqueLabName('keystore');
const created: CreatedObjects = { containers: [], volumes: [], networks: [] };
let plan: LabPlan;
let kibana: ContainerPlan;
let secrets: LabSecrets;
const seenCommands: string[] = [];

beforeAll(async () => {
  await buildEmulatorImages(engine, { version: '9.5.2', products: ['kibana'] });
  plan = planLab(parseLabSpec({ name: lab, images: 'emulated' }), { subnetIndex: 203, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } });
  kibana = plan.containers.find((c) => c.kind === 'kibana')!;
  secrets = generateLabSecrets(randomBytes);
  const original = engine.runToCompletion.bind(engine);
  engine.runToCompletion = async (spec, timeoutMs) => {
    seenCommands.push([...(spec.entrypoint ?? []), ...(spec.cmd ?? [])].join(' '));
    return original(spec, timeoutMs);
  };
}, 300_000);

afterAll(async () => {
  for (const volume of created.volumes) await engine.removeVolume(volume).catch(() => undefined);
});

async function keystoreList(): Promise<string[]> {
  const tool = keystoreToolFor('kibana')!;
  const result = await engine.runToCompletion({
    name: `${kibana.name}-list`,
    image: kibana.image,
    user: kibana.user,
    env: {},
    labels: { ...kibana.labels, 'seclab.role': 'keystore-tool' },
    entrypoint: [tool.create[0]!],
    cmd: ['list'],
    mounts: kibana.mounts.map((m) => ({ source: m.source, target: m.target, readOnly: m.readOnly })),
  });
  expect(result.exitCode, result.output).toBe(0);
  return result.output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

describe("Kibana's keystore in one one-shot container", () => {
  it('writes every setting, with no value in any container command', async () => {
    seenCommands.length = 0;
    await prepareVolumesAndKeystore(engine, plan, kibana, secrets, created);
    expect(seenCommands).toHaveLength(1);
    expect(await keystoreList()).toEqual(expect.arrayContaining(kibana.keystore.map((entry) => entry.setting)));
    for (const entry of kibana.keystore) expect(seenCommands.join('\n')).not.toContain(secrets[entry.secret]!);
  }, 120_000);

  it('names the step that failed, and no secret, when one of them fails', async () => {
    const tool = keystoreToolFor('kibana')!;
    const value = secrets['kibana-security-encryption-key']!;
    const failing = runKeystoreSteps(
      engine,
      kibana,
      [
        { cmd: tool.add('xpack.security.encryptionKey'), stdin: `${value}\n`, setting: 'xpack.security.encryptionKey' },
        // A command the tool does not have: it refuses it and exits non-zero.
        { cmd: [tool.create[0]!, 'no-such-command'], setting: 'no.such.setting' },
        { cmd: tool.add('xpack.reporting.encryptionKey'), stdin: `${value}\n`, setting: 'xpack.reporting.encryptionKey' },
      ],
      secrets,
    );
    await expect(failing).rejects.toMatchObject({ code: 'KEYSTORE_FAILED', message: expect.stringContaining("kibana: the image's keystore tool failed on no.such.setting") });
    await expect(failing).rejects.not.toMatchObject({ message: expect.stringContaining(value) });
  }, 120_000);
});
