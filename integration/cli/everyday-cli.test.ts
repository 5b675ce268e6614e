import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';
import { runSeclab } from '../support/run-seclab.ts';

/** Issue #12 on the real engine: doctor and up show one preflight list; up and reset end with the access summary; logs are readable. */
let home: TestLabHome;
const labs: string[] = [];

async function seclab(args: string[]) {
  return runSeclab(args, { ...process.env, SECLAB_HOME: home.home, NO_COLOR: '1' }, 300_000);
}

/** The preflight list as formatPreflight prints it; free disk space moves between two runs, so its figure is masked. */
function preflightLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /^(✓|!|✕) |^ {4}fix: /.test(line))
    .map((line) => (line.includes('Disk space:') ? line.replace(/[\d.]+ GiB free/, 'N GiB free') : line));
}

beforeAll(() => {
  home = createTestLabHome();
});

afterAll(async () => {
  await home.cleanup(labs);
});

describe('seclab doctor and up', () => {
  let holder: Server;
  afterAll(() => holder?.close());

  it('show the same preflight list for the same spec (up stops there: a port is taken)', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const lab = uniqueLabName('pfl');
    labs.push(lab);
    const args = ['--images', 'emulated', '--nodes', '3', '--lab', lab, '--port-elasticsearch', String(port)];
    const doctor = await seclab(['doctor', ...args]);
    const up = await seclab(['up', ...args]);
    expect(doctor.code).toBe(1);
    expect(up.code).toBe(1);
    const listed = preflightLines(doctor.stdout);
    expect(listed.map((line) => line.split(':')[0])).toEqual(expect.arrayContaining(['✓ Docker engine', '✓ Memory', '✕ Host ports']));
    expect(listed.some((line) => / Container limits: /.test(line))).toBe(true);
    expect(preflightLines(up.stdout)).toEqual(listed);
    expect(up.stderr).toContain(`Host ports: already in use: 127.0.0.1:${port} (es01)`);
  }, 300_000);
});

describe('a lab used every day', () => {
  const lab = uniqueLabName('day');
  const secretValues = () => Object.values(readLabSecrets(home.home, lab) ?? {}).filter((value): value is string => typeof value === 'string' && value.length > 0);

  it('up ends with the access summary and how to reveal passwords, never a password', async () => {
    labs.push(lab);
    const up = await seclab(['up', '--images', 'emulated', '--nodes', '1', '--no-kibana', '--lab', lab]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`Access to lab "${lab}"`);
    expect(up.stdout).toMatch(/curl --cacert \S+ca\.crt -u lab_admin https:\/\/localhost:\d+/);
    expect(up.stdout).toContain(`Passwords: seclab access --lab ${lab} --reveal USER`);
    expect(secretValues().length).toBeGreaterThan(3);
    for (const secret of secretValues()) expect(`${up.stdout}${up.stderr}`).not.toContain(secret);
  }, 300_000);

  it('logs are readable by default (time, level, component, message) and raw ECS JSON with --json', async () => {
    const readable = await seclab(['logs', 'es01', '--lab', lab]);
    expect(readable.code, readable.stderr).toBe(0);
    expect(readable.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}\[o\.e\.[\w.]+\] \S/m);
    expect(readable.stdout).not.toContain('"log.level"');
    const raw = await seclab(['logs', 'es01', '--lab', lab, '--json']);
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout).toMatch(/^\{"@timestamp":"[^"]+", "log.level": "INFO"/m);
    for (const secret of secretValues()) expect(`${readable.stdout}${raw.stdout}`).not.toContain(secret);
  }, 120_000);

  it('reset ends with the same summary, for its new passwords too: none printed', async () => {
    const before = secretValues();
    const reset = await seclab(['reset', '--lab', lab]);
    expect(reset.code, reset.stderr).toBe(0);
    // Its teardown is a phase of its own in the task list, with what it removed and kept.
    expect(reset.stderr + reset.stdout).toMatch(/Teardown[\s\S]*removed \d+ containers?, \d+ volumes?, 0 networks; the network is kept for the new lab[\s\S]*Preflight/);
    expect(reset.stdout).toContain(`Access to lab "${lab}"`);
    expect(reset.stdout).toContain(`Passwords: seclab access --lab ${lab} --reveal USER`);
    expect(secretValues()).not.toEqual(before);
    for (const secret of secretValues()) expect(`${reset.stdout}${reset.stderr}`).not.toContain(secret);
  }, 300_000);
});
