import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/**
 * Issue 18: `seclab up --context x` means what `seclab --context x up` means (commander's positional
 * options kept the program's flags before the command only). Same for --engine and --docker-host,
 * on every command, nested ones included.
 */
const home = mkdtempSync(join(tmpdir(), 'seclab-engine-flags-'));
const dockerConfig = join(home, '.docker');
const elsewhereSocket = join(home, 'elsewhere', 'docker.sock');
// A context as `docker context create elsewhere --docker host=unix://…` writes it (engine-resolution.ts).
const contextMeta = join(dockerConfig, 'contexts', 'meta', createHash('sha256').update('elsewhere').digest('hex'));
mkdirSync(contextMeta, { recursive: true });
writeFileSync(join(contextMeta, 'meta.json'), JSON.stringify({ Name: 'elsewhere', Metadata: {}, Endpoints: { docker: { Host: `unix://${elsewhereSocket}`, SkipTLSVerify: false } } }));
const env = { HOME: home, DOCKER_CONFIG: dockerConfig, SECLAB_HOME: join(home, 'seclab'), NO_COLOR: '1' };

async function seclab(args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const status = await runCli(args, { env, stdout: () => undefined, stderr: (text) => (stderr += text) });
  return { status, stderr };
}

describe('engine flags after the command', () => {
  it('--context after the command chooses that context, as before it', async () => {
    const before = await seclab(['--context', 'elsewhere', 'status']);
    const after = await seclab(['status', '--context', 'elsewhere']);
    expect(after.stderr).not.toMatch(/unknown option/);
    expect(after.stderr).toContain(elsewhereSocket);
    expect(after).toEqual(before);
  });

  it('a context that does not exist is named the same way from either position', async () => {
    const before = await seclab(['--context', 'nosuch', 'up']);
    const after = await seclab(['up', '--context', 'nosuch']);
    expect(after.stderr).toMatch(/The Docker context "nosuch" \(chosen with --context\) cannot be used: there is no such context/);
    expect(after).toEqual(before);
    expect(after.status).not.toBe(0);
  });

  it('--engine and --docker-host after a nested command, refused as before it', async () => {
    expect((await seclab(['lesson', 'list', '--engine', 'http://b'])).stderr).toMatch(/--engine: "http:\/\/b" is not a Docker engine address/);
    expect((await seclab(['emulator', 'build', '--docker-host', 'http://b'])).stderr).toMatch(/--docker-host: "http:\/\/b" is not a Docker engine address/);
  });

  it('--engine on one side and --docker-host on the other still clash', async () => {
    const clash = await seclab(['--engine', 'tcp://a:2375', 'up', '--docker-host', 'tcp://b:2375']);
    expect(clash.stderr).toMatch(/--engine and --docker-host both name an engine: use one of them/);
    expect(clash.status).toBe(2);
  });

  it('up --version stays the Stack version, not the program version', async () => {
    const { stderr } = await seclab(['up', '--version', '9.5.2', '--context', 'nosuch']);
    expect(stderr).toMatch(/The Docker context "nosuch" \(chosen with --context\)/);
  });
});
