import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { DEFAULT_STACK_VERSION } from '../../common/lab-spec.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorImages, emulatedImageTag } from '../../main/core/emulator-images/build-emulator-images.ts';

/**
 * The emulated image run as `docker run` would run it: what the container itself does with the limits the engine gives
 * it, and the image's own tools. No network (`--network none`): nothing leaves the container.
 */
const engine = new DockerEngine();
const image = emulatedImageTag('elasticsearch', DEFAULT_STACK_VERSION);
const label = `seclab-es-container-${process.pid}-${randomBytes(2).toString('hex')}`;

const run = (spec: { env?: Record<string, string>; cmd?: string[]; ulimits?: Array<{ name: string; soft: number; hard: number }>; user?: string }) =>
  engine.runToCompletion(
    {
      name: `${label}-${randomBytes(3).toString('hex')}`,
      image,
      user: spec.user ?? '1000:0',
      env: spec.env ?? {},
      labels: { [LAB_LABEL]: label },
      networkMode: 'none',
      cmd: spec.cmd,
      ulimits: spec.ulimits,
    },
    60_000,
  );

beforeAll(async () => {
  await buildEmulatorImages(engine, { version: DEFAULT_STACK_VERSION, products: ['elasticsearch'] });
}, 300_000);

describe('the emulated Elasticsearch image in a container', () => {
  // Production mode (bound to 0.0.0.0, not single-node); security off so the only failing check is the one under test.
  const productionNode = { 'node.name': 'es01', 'discovery.seed_hosts': 'es02', 'xpack.security.enabled': 'false' };

  it('docker run --ulimit nofile=1024:1024 exits 78 with the file-descriptor bootstrap check, like the official image', async () => {
    const result = await run({ env: productionNode, ulimits: [{ name: 'nofile', soft: 1024, hard: 1024 }] });
    expect(result.exitCode, result.output).toBe(78);
    expect(result.output).toContain('[1] bootstrap checks failed. You must address the points described in the following [1] lines before starting Elasticsearch.');
    expect(result.output).toContain('bootstrap check failure [1] of [1]: max file descriptors [1024] for elasticsearch process is too low, increase to at least [65535]');
  });

  it('the same limit with a declared engine cap that is not it still exits 78', async () => {
    const result = await run({ env: { ...productionNode, SECLAB_EMULATOR_ENGINE_NOFILE_CAP: '20000' }, ulimits: [{ name: 'nofile', soft: 1024, hard: 1024 }] });
    expect(result.exitCode, result.output).toBe(78);
  });

  it("an unknown setting in the environment stops the node with exit 1 and ES's message", async () => {
    const result = await run({ env: { ...productionNode, 'xpack.security.enabeld': 'false' } });
    expect(result.exitCode, result.output).toBe(1);
    expect(result.output).toContain('unknown setting [xpack.security.enabeld] did you mean any of [xpack.security.enabled, xpack.security.audit.enabled]?');
  });

  it("bin/elasticsearch-certutil makes certutil's PEM zips, which unzip reads (as root, like the recipe's setup service)", async () => {
    const script = [
      'set -e',
      'mkdir -p /tmp/certs && cd /usr/share/elasticsearch',
      'bin/elasticsearch-certutil ca --silent --pem -out /tmp/certs/ca.zip',
      'unzip -q /tmp/certs/ca.zip -d /tmp/certs',
      'printf "instances:\\n  - name: es01\\n    dns:\\n      - es01\\n    ip:\\n      - 127.0.0.1\\n" > /tmp/certs/instances.yml',
      'bin/elasticsearch-certutil cert --silent --pem -out /tmp/certs/certs.zip --in /tmp/certs/instances.yml --ca-cert /tmp/certs/ca/ca.crt --ca-key /tmp/certs/ca/ca.key',
      'unzip -l /tmp/certs/certs.zip',
      'unzip -q /tmp/certs/certs.zip -d /tmp/certs',
      'ls /tmp/certs/ca /tmp/certs/es01',
    ].join('\n');
    const result = await run({ user: '0', cmd: ['bash', '-c', script] });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toMatch(/es01\/\s/);
    expect(result.output).toContain('es01/es01.crt');
    expect(result.output).toContain('es01/es01.key');
    expect(result.output).toMatch(/ca\.crt\s+ca\.key/);
  });
});
