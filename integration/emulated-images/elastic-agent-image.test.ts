import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorImages, emulatedImageTag } from '../../main/core/emulator-images/build-emulator-images.ts';
import { uniqueLabName } from '../support/test-lab.ts';

/**
 * The emulated elastic-agent image run by the real engine, for what only a container shows: the image
 * layout, a fresh named volume at state/ under no-new-privileges, and `elastic-agent status` as a Docker
 * HEALTHCHECK. Everything carries seclab.lab=<lab> and is removed afterwards.
 */
const run = promisify(execFile);
const lab = uniqueLabName('eaimg');
const network = `seclab-${lab}`;
const image = emulatedImageTag('elastic-agent', '9.5.2');
const STATE = '/usr/share/elastic-agent/state';
const TROUBLESHOOT = 'For help, please see our troubleshooting guide at https://www.elastic.co/docs/troubleshoot/ingest/fleet/common-problems';
let counter = 0;

async function docker(args: string[], timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('docker', args, { timeout, maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const name = (what: string) => `${network}-${what}-${++counter}`;
const labelled = ['--label', `seclab.lab=${lab}`];

async function freshVolume(): Promise<string> {
  const volume = name('state');
  expect((await docker(['volume', 'create', ...labelled, volume])).code).toBe(0);
  return volume;
}

/** A one-shot container of the image, attached: exit code, stdout, stderr. */
function runAgent(options: { volume?: string; env?: Record<string, string>; extra?: string[]; cmd?: string[] }) {
  return docker([
    'run',
    '--rm',
    ...labelled,
    '--network',
    network,
    '--name',
    name('run'),
    ...(options.volume ? ['-v', `${options.volume}:${STATE}`] : []),
    ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(options.extra ?? []),
    image,
    ...(options.cmd ?? []),
  ]);
}

async function statVolumeRoot(volume: string): Promise<{ uid: number; gid: number; mode: string }> {
  const script = "const s=require('fs').statSync('/v');console.log(JSON.stringify({uid:s.uid,gid:s.gid,mode:(s.mode&0o7777).toString(8)}))";
  const result = await docker(['run', '--rm', ...labelled, '--network', network, '--user', '0', '--entrypoint', '/usr/local/bin/node', '-v', `${volume}:/v`, image, '-e', script]);
  return JSON.parse(result.stdout) as { uid: number; gid: number; mode: string };
}

async function chownVolume(volume: string, owner: string): Promise<void> {
  const [uid, gid] = owner.split(':').map(Number);
  const result = await docker(['run', '--rm', ...labelled, '--network', network, '--user', '0', '--entrypoint', '/usr/local/bin/node', '-v', `${volume}:/v`, image, '-e', `require('fs').chownSync('/v',${uid},${gid})`]);
  expect(result.code, result.stderr).toBe(0);
}

describe('the emulated elastic-agent image in Docker', () => {
  beforeAll(async () => {
    await buildEmulatorImages(new DockerEngine(), { version: '9.5.2', products: ['elastic-agent'] });
    const created = await docker(['network', 'create', ...labelled, network]);
    expect(created.code, created.stderr).toBe(0);
  }, 600_000);

  afterAll(async () => {
    const containers = (await docker(['ps', '-aq', '--filter', `label=seclab.lab=${lab}`])).stdout.split('\n').filter(Boolean);
    // One at a time (the docker CLI removes the containers it is given at once): a network's containers exiting
    // together can deadlock Docker before 20.10.27 (concurrentNetworkLeavesMayDeadlock).
    for (const container of containers) await docker(['rm', '-f', container]);
    const volumes = (await docker(['volume', 'ls', '-q', '--filter', `label=seclab.lab=${lab}`])).stdout.split('\n').filter(Boolean);
    if (volumes.length) await docker(['volume', 'rm', ...volumes]);
    await docker(['network', 'rm', network]);
  });

  it('is laid out as Dockerfile.elastic-agent.tmpl: home 0777 and data/ owned 1000:1000, user 1000:1000, no state/, no STATE_PATH', async () => {
    const script = [
      "const fs=require('fs');const st=(p)=>{try{const s=fs.statSync(p);return {uid:s.uid,gid:s.gid,mode:(s.mode&0o7777).toString(8)}}catch(e){return e.code}};",
      "console.log(JSON.stringify({uid:process.getuid(),gid:process.getgid(),home:st('/usr/share/elastic-agent'),data:st('/usr/share/elastic-agent/data'),",
      "config:st('/usr/share/elastic-agent/elastic-agent.yml'),state:st('/usr/share/elastic-agent/state'),statePath:process.env.STATE_PATH??null}))",
    ].join('');
    const result = await docker(['run', '--rm', ...labelled, '--network', network, '--entrypoint', '/usr/local/bin/node', image, '-e', script]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      uid: 1000,
      gid: 1000,
      home: { uid: 1000, gid: 1000, mode: '777' },
      data: { uid: 1000, gid: 1000, mode: '777' },
      config: { uid: 1000, gid: 1000, mode: '644' },
      state: 'ENOENT',
      statePath: null,
    });
  });

  it('a fresh named volume at state/ with no-new-privileges: root:root 0755, STATE_PATH fails, exit 1', async () => {
    const volume = await freshVolume();
    const result = await runAgent({
      volume,
      env: { FLEET_ENROLL: '1', FLEET_URL: 'https://fleet-server:8220', FLEET_ENROLLMENT_TOKEN: 'dG9rZW4=' },
      extra: ['--security-opt', 'no-new-privileges', '--user', '1000:0'],
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('agent container initialisation - effective capabilities\nagent container initialisation - ambient capabilities\nagent container initialisation - chown paths\n');
    expect(result.stderr).toBe(
      'Warning: cannot chown agent paths without CAP_CHOWN or CAP_DAC_OVERRIDE capabilities\n' + `Error: preparing STATE_PATH(${STATE}) failed: mkdir ${STATE}/data: permission denied\n${TROUBLESHOOT}\n`,
    );
    // Nothing fixed the volume's ownership behind the agent's back.
    expect(await statVolumeRoot(volume)).toEqual({ uid: 0, gid: 0, mode: '755' });
  });

  it('the same volume owned by uid 1000 passes setPaths and reaches the next check', async () => {
    const volume = await freshVolume();
    await chownVolume(volume, '1000:0');
    const result = await runAgent({ volume, env: { FLEET_ENROLL: '1' }, extra: ['--security-opt', 'no-new-privileges', '--user', '1000:0'] });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('STATE_PATH');
    expect(result.stderr).toContain(`Error: FLEET_URL is required when FLEET_ENROLL is true without FLEET_SERVER_ENABLE\n${TROUBLESHOOT}\n`);
  });

  it('a co-located Fleet Server with its own certificate and no FLEET_URL fails in the enroll step', async () => {
    const volume = await freshVolume();
    await chownVolume(volume, '1000:0');
    const result = await runAgent({
      volume,
      env: {
        FLEET_SERVER_ENABLE: '1',
        FLEET_SERVER_POLICY_ID: 'fleet-server-policy',
        FLEET_SERVER_SERVICE_TOKEN: 'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuOnNlY3JldA',
        FLEET_SERVER_CERT: '/usr/share/elastic-agent/certs/fleet-server.crt',
        FLEET_SERVER_CERT_KEY: '/usr/share/elastic-agent/certs/fleet-server.key',
      },
      extra: ['--security-opt', 'no-new-privileges', '--user', '1000:0'],
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Policy selected for enrollment:  fleet-server-policy\n');
    expect(result.stderr).toContain(`Error: url is required when a certificate is provided\n${TROUBLESHOOT}\nError: enrollment failed: exit status 1\n${TROUBLESHOOT}\n`);
  });

  it('`elastic-agent status` serves as HEALTHCHECK: the container turns healthy; json and yaml carry numeric states', async () => {
    const volume = await freshVolume();
    await chownVolume(volume, '1000:0');
    const container = name('standalone');
    const started = await docker([
      'run',
      '-d',
      ...labelled,
      '--network',
      network,
      '--name',
      container,
      '--security-opt',
      'no-new-privileges',
      '--user',
      '1000:0',
      '-v',
      `${volume}:${STATE}`,
      '--health-cmd',
      'elastic-agent status',
      '--health-interval',
      '1s',
      '--health-retries',
      '30',
      image,
    ]);
    expect(started.code, started.stderr).toBe(0);
    let health = '';
    for (let i = 0; i < 60 && health !== 'healthy'; i++) {
      health = (await docker(['inspect', '--format', '{{.State.Health.Status}}', container])).stdout.trim();
      if (health !== 'healthy') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(health).toBe('healthy');
    const human = await docker(['exec', container, 'elastic-agent', 'status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('┌─ fleet\n│  └─ status: (STOPPED) Not enrolled into Fleet\n└─ elastic-agent\n   └─ status: (HEALTHY) Running\n');
    const json = await docker(['exec', container, 'elastic-agent', 'status', '--output', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 2, message: 'Running', components: null, FleetState: 6, FleetMessage: 'Not enrolled into Fleet' });
    const yaml = await docker(['exec', container, 'elastic-agent', 'status', '--output=yaml']);
    expect(yaml.stdout).toMatch(/^state: 2$/m);
    expect(yaml.stdout).toMatch(/^fleet_state: 6$/m);
    const bad = await docker(['exec', container, 'elastic-agent', 'status', '--output', 'xml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`Error: unsupported output: xml\n${TROUBLESHOOT}\n`);
  }, 60_000);
});
