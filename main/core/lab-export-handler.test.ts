import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../common/lab-spec.ts';
import type { DockerEngine } from './docker/docker-engine.ts';
import { createLabHandlers } from './lab-handlers.ts';
import { writeLabRecord } from './lab-store/lab-records.ts';
import { generateLabSecrets, writeLabSecrets } from './lab-store/lab-secrets.ts';

const home = mkdtempSync(join(tmpdir(), 'seclab-export-handler-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Exporting a recorded lab reads and writes files only: any call on the engine is a mistake. */
const noEngine = new Proxy({} as DockerEngine, {
  get: (_, property) => {
    if (property === 'then') return undefined;
    throw new Error(`labs.export asked the Docker engine for ${String(property)}`);
  },
});

const lab = 'shipped';
const now = new Date('2026-11-30T10:15:00Z');
writeLabRecord(home, { spec: parseLabSpec({ name: lab, images: 'emulated' }), allocation: { subnetIndex: 204, ports: { elasticsearch: 29301, kibana: 25702, fleetServer: 28321 } }, createdAt: now.toISOString() });
writeLabSecrets(
  home,
  lab,
  generateLabSecrets((size) => Buffer.alloc(size, 7)),
);
const handlers = createLabHandlers({ home, engine: () => noEngine, now: () => now, randomBytes: (size) => Buffer.alloc(size, 1) }, () => undefined);
afterAll(() => handlers.close());

describe("labs.export (the app's Export tab)", () => {
  it('writes a recorded lab as a Compose project into the folder given, without the engine', async () => {
    const out = join(home, 'given');
    const result = await handlers['labs.export']({ lab, format: 'compose', outDir: out });
    expect(result.outDir).toBe(out);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['docker-compose.yml', 'README.md', 'secrets', 'components', 'setup']));
    expect(statSync(join(out, 'secrets')).mode & 0o777).toBe(0o700);
    expect(result.nextSteps.join('\n')).toContain(`cd ${out} && docker compose up -d`);
  });

  it('makes a new folder in SECLAB_HOME/exports when none is given, named after the lab, format and time', async () => {
    const result = await handlers['labs.export']({ lab, format: 'eck' });
    expect(result.outDir).toBe(join(home, 'exports', `${lab}-eck-20261130-101500`));
    expect(existsSync(join(result.outDir, '10-secrets.yaml'))).toBe(true);
    expect(statSync(join(home, 'exports')).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder that is not a full path, a folder that holds files, and a lab that does not exist', async () => {
    await expect(handlers['labs.export']({ lab, format: 'compose', outDir: 'relative/out' })).rejects.toThrow(/folder "relative\/out" is not a full path/);
    await expect(handlers['labs.export']({ lab, format: 'compose', outDir: join(home, 'given') })).rejects.toThrow(/folder .*given is not empty: choose a new or empty folder/);
    await expect(handlers['labs.export']({ lab: 'nosuchlab', format: 'compose', outDir: join(home, 'none') })).rejects.toThrow(/there is no lab named "nosuchlab"/);
    expect(existsSync(join(home, 'none'))).toBe(false);
  });
});
