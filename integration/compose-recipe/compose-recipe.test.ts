import { randomBytes, randomInt } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { DEFAULT_STACK_VERSION } from '../../common/lab-spec.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorImages, emulatedImageTag } from '../../main/core/emulator-images/build-emulator-images.ts';
import { probeEngineLimits } from '../../main/core/orchestrator/engine-limits.ts';
import { ComposeProject } from './support/compose-project.ts';
import { extract } from 'tar-stream';
import { freeLoopbackPort } from '../support/free-port.ts';

/**
 * Elastic's official multi-node Docker Compose recipe (docker-compose.yml here: the recipe with
 * only the image names changed, plus seclab.lab labels), run with Docker Compose against the
 * emulated images. Its own setup service makes the certificates with the emulated
 * `bin/elasticsearch-certutil` and unzips them into the `certs` volume. The recipe must give a
 * formed 3-node cluster and a working Kibana, exactly as with Elastic's images.
 *
 * Sandbox notes (README.md): engines that cap memlock (rootless, LXC, this CI sandbox: hard 8 MiB)
 * make runc refuse any container asking for `memlock: -1`, which the recipe does; engines that cap
 * open files below 65535 (this sandbox: 20000) make Elasticsearch's file-descriptor bootstrap check
 * fail. The test measures both first and, only where the engine falls short, adds
 * sandbox-override.yml and/or sandbox-nofile-override.yml.
 */

const RECIPE_NODES = ['es01', 'es02', 'es03'] as const;
const FILE_DESCRIPTORS_MINIMUM = 65535;

/** One file out of a container (running or exited), through the engine's archive API. */
async function readContainerFile(containerId: string, path: string): Promise<Buffer> {
  const archive = await engine.docker.getContainer(containerId).getArchive({ path });
  return new Promise((resolve, reject) => {
    const untar = extract();
    const chunks: Buffer[] = [];
    untar.on('entry', (_header, stream, next) => {
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', next);
      stream.resume();
    });
    untar.on('finish', () => resolve(Buffer.concat(chunks)));
    untar.on('error', reject);
    archive.pipe(untar);
  });
}

const VERSION = DEFAULT_STACK_VERSION;
const HERE = fileURLToPath(new URL('.', import.meta.url));
const engine = new DockerEngine();
// Compose project names are lower-case alphanumerics; unique per run, never reused.
const project = `seclabrecipe${process.pid % 100000}${randomBytes(2).toString('hex')}`;
const workDir = mkdtempSync(join(tmpdir(), 'seclab-compose-recipe-'));

function alphanumericPassword(length = 20): string {
  // The recipe's docs: passwords must be alphanumeric (the setup script's JSON quoting). One of each class for "complexity".
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789'];
  const all = sets.join('');
  const chars = sets.map((set) => set[randomInt(set.length)]);
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  return chars.join('');
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to 127.0.0.1 only, with a timeout. */
function get(url: string, options: { ca?: Buffer; auth?: string; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`tests talk to 127.0.0.1 only, not ${target.hostname}`);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'GET',
        ca: options.ca,
        headers: options.auth ? { authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` } : {},
        timeout: options.timeoutMs ?? 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, describeState?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const state = describeState ? await describeState().catch((error: Error) => error.message) : '';
  throw new Error(`${what} within ${timeoutMs / 1000}s${lastError ? ` (last error: ${lastError})` : ''}\n${state}`);
}

describe("Elastic's official multi-node Docker Compose recipe on the emulated images", () => {
  let compose: ComposeProject;
  const elasticPassword = alphanumericPassword();
  const kibanaPassword = alphanumericPassword();
  let esPort = 0;
  let kibanaPort = 0;
  let caPem: Buffer;
  let usedOverride = false;

  beforeAll(async () => {
    await buildEmulatorImages(engine, { version: VERSION, products: ['elasticsearch', 'kibana'] });
  });

  afterAll(async () => {
    if (compose) {
      const skipped = await compose.remove();
      if (skipped.length > 0) console.warn(`left alone (no ${LAB_LABEL}=${project} label): ${skipped.join(', ')}`);
    }
    rmSync(workDir, { recursive: true, force: true });
  });

  const state = async () => {
    const logs = await compose.compose(['logs', '--no-color', '--tail', '15'], 20_000).catch((error: Error) => error.message);
    const ps = await compose.compose(['ps'], 20_000).catch((error: Error) => error.message);
    return `${ps}\n${logs}`;
  };

  const health = async (service: string) => (await engine.inspectContainer(await compose.container(service)))?.State;

  it('forms a 3-node cluster and a working Kibana, its setup service making the certificates with elasticsearch-certutil', { timeout: 240_000 }, async () => {
    const started = Date.now();
    // 1. What can the engine grant? memlock -1, and open files (the recipe asks for no nofile limit: nodes get the engine's).
    const limits = await probeEngineLimits(engine, project);
    const files = ['docker-compose.yml'];
    const env: Record<string, string> = {};
    const readLimit = async (name: string) => {
      const probe = await engine.runToCompletion(
        {
          name: `${project}-limits-probe-${randomBytes(2).toString('hex')}`,
          image: emulatedImageTag('elasticsearch', VERSION),
          user: '1000:0',
          env: {},
          labels: { [LAB_LABEL]: project },
          entrypoint: ['/usr/bin/grep'],
          cmd: [name, '/proc/self/limits'],
        },
        30_000,
      );
      const granted = new RegExp(`${name}\\s+(\\d+|unlimited)\\s+(\\d+|unlimited)`).exec(probe.output);
      expect(granted, probe.output).toBeTruthy();
      return granted![2] === 'unlimited' ? -1 : Number(granted![2]);
    };
    if (!limits.memoryLock) {
      env.SANDBOX_MEMLOCK_BYTES = String(await readLimit('Max locked memory'));
      files.push('sandbox-override.yml');
    }
    // The JVM runs with the hard limit (HotSpot raises the soft one to it), so that is what the check sees.
    const openFiles = await readLimit('Max open files');
    if (openFiles !== -1 && openFiles < FILE_DESCRIPTORS_MINIMUM) {
      env.SANDBOX_NOFILE_CAP = String(openFiles);
      files.push('sandbox-nofile-override.yml');
    }
    usedOverride = files.length > 1;

    // 2. The recipe's files in a folder of their own, as a user would have them.
    for (const file of ['docker-compose.yml', 'sandbox-override.yml', 'sandbox-nofile-override.yml']) copyFileSync(join(HERE, file), join(workDir, file));
    [esPort, kibanaPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    while (kibanaPort === esPort) kibanaPort = await freeLoopbackPort();
    writeFileSync(
      join(workDir, '.env'),
      [
        `ELASTIC_PASSWORD=${elasticPassword}`,
        `KIBANA_PASSWORD=${kibanaPassword}`,
        `STACK_VERSION=${VERSION}`,
        'CLUSTER_NAME=docker-cluster',
        'LICENSE=basic',
        // The recipe's .env offers the host-ip form (#ES_PORT=127.0.0.1:9200): nothing beyond loopback.
        `ES_PORT=127.0.0.1:${esPort}`,
        `KIBANA_PORT=127.0.0.1:${kibanaPort}`,
        'MEM_LIMIT=1073741824',
        `COMPOSE_PROJECT_NAME=${project}`,
        '',
      ].join('\n'),
    );
    compose = new ComposeProject(engine, project, workDir, files, env);

    // 3. Up. Compose starts the services in the recipe's order, waiting on its healthchecks; setup makes the certificates.
    await compose.compose(['up', '-d'], 150_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await state()}`);
    });
    const remaining = () => 230_000 - (Date.now() - started);
    await waitFor('Kibana healthy', remaining(), async () => ((await health('kibana'))?.Health?.Status === 'healthy' ? true : undefined), state);

    // Every object the recipe created carries our label (so cleanup may remove it).
    const objects = await compose.objects();
    expect(objects.containers).toHaveLength(5);
    expect(objects.volumes).toHaveLength(5);
    expect(objects.networks).toHaveLength(1);
    for (const object of [...objects.containers, ...objects.volumes, ...objects.networks]) expect(object.labels[LAB_LABEL], object.name).toBe(project);

    // es01–es03 healthy by the recipe's own healthcheck (curl | grep in the container).
    for (const node of RECIPE_NODES) expect((await health(node))?.Health?.Status, node).toBe('healthy');

    // The CA the setup service made with certutil, read back from the certs volume.
    caPem = await readContainerFile(await compose.container('setup'), '/usr/share/elasticsearch/config/certs/ca/ca.crt');
    expect(caPem.toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    // A formed 3-node cluster, asked through es01's published port on 127.0.0.1.
    const es = `https://127.0.0.1:${esPort}`;
    const clusterHealth = await waitFor(
      '3 nodes in _cluster/health',
      remaining(),
      async () => {
        const answer = await get(`${es}/_cluster/health`, { ca: caPem, auth: `elastic:${elasticPassword}` });
        const body = JSON.parse(answer.body) as { number_of_nodes?: number; status?: string; cluster_name?: string };
        return answer.status === 200 && body.number_of_nodes === 3 ? body : undefined;
      },
      state,
    );
    expect(clusterHealth.cluster_name).toBe('docker-cluster');
    expect(['green', 'yellow']).toContain(clusterHealth.status);

    // The setup service ran the recipe's script as written: certutil ca, unzip, certutil cert, unzip, permissions, kibana_system's password.
    const setupState = await waitFor(
      'setup finished',
      remaining(),
      async () => {
        const current = await health('setup');
        return current?.Status === 'exited' ? current : undefined;
      },
      state,
    );
    const setupLogs = await engine.logs(await compose.container('setup'), { tail: 200 });
    expect(setupState.ExitCode, setupLogs).toBe(0);
    for (const step of ['Creating CA', 'inflating: config/certs/ca/ca.crt', 'Creating certs', 'inflating: config/certs/es03/es03.key', 'Setting file permissions', 'All done!']) {
      expect(setupLogs, step).toContain(step);
    }
    expect(setupLogs).not.toMatch(/ERROR|No such file or directory/);
    if (env.SANDBOX_NOFILE_CAP) {
      // Said out loud on every node: what the official image would have done on this engine.
      for (const node of RECIPE_NODES) {
        const logs = await engine.logs(await compose.container(node), { tail: 400 });
        expect(logs, node).toContain(`max file descriptors [${env.SANDBOX_NOFILE_CAP}] for elasticsearch process is too low, increase to at least [65535]`);
        expect(logs, node).toContain(`(the engine caps open files at [${env.SANDBOX_NOFILE_CAP}]; Elastic's official image would exit with code 78 here)`);
      }
    }
    const kibanaSystem = await get(`${es}/_security/_authenticate`, { ca: caPem, auth: `kibana_system:${kibanaPassword}` });
    expect(kibanaSystem.status, kibanaSystem.body).toBe(200);
    expect(JSON.parse(kibanaSystem.body).username).toBe('kibana_system');

    // Kibana: healthy by the recipe's healthcheck (HTTP/1.1 302 Found on /) and /api/status available.
    const kibana = `http://127.0.0.1:${kibanaPort}`;
    const root = await get(`${kibana}/`);
    expect(root.status).toBe(302);
    const status = await waitFor(
      'Kibana /api/status available',
      remaining(),
      async () => {
        const answer = await get(`${kibana}/api/status`, { auth: `elastic:${elasticPassword}` });
        const body = JSON.parse(answer.body) as { status?: { overall?: { level?: string } }; version?: { number?: string } };
        return answer.status === 200 && body.status?.overall?.level === 'available' ? body : undefined;
      },
      state,
    );
    expect(status.version?.number).toBe(VERSION);

    console.info(`compose recipe: ${project} up and verified in ${((Date.now() - started) / 1000).toFixed(0)}s${usedOverride ? ` (with ${files.slice(1).join(', ')})` : ''}`);
  });
});
