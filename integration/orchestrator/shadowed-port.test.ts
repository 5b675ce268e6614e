import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { isLoopbackPortFree } from '../../main/core/lab-store/allocate-lab.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

/**
 * A port forwarded elsewhere by a firewall rule, as a killed Podman lab's netavark rules do: nothing
 * listens on it (127.0.0.1 binds it, so preflight passes), and no engine lists it. Docker's proxy then
 * never sees a connection; the wait for the cluster times out, and its error must say what to do.
 * Needs root and iptables (CI has both); the rule is this test's own and goes in afterAll.
 */
const canFirewall =
  process.getuid?.() === 0 &&
  (() => {
    try {
      execFileSync('iptables', ['-t', 'nat', '-S', 'OUTPUT'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

async function freePortFrom(start: number): Promise<number> {
  for (let port = start; port < start + 200; port++) if (await isLoopbackPortFree(port)) return port;
  throw new Error(`no free port from ${start}`);
}

describe.skipIf(!canFirewall)('a published port something else forwards (no socket, no engine shows it)', () => {
  let home: TestLabHome;
  let rule: string[] = [];
  const lab = uniqueLabName('shadow');

  beforeAll(async () => {
    home = createTestLabHome();
    const shadowed = await freePortFrom(19_250);
    const nowhere = await freePortFrom(shadowed + 1);
    rule = ['OUTPUT', '-t', 'nat', '-p', 'tcp', '-d', '127.0.0.1', '--dport', String(shadowed), '-m', 'comment', '--comment', `seclab test ${process.pid}`, '-j', 'DNAT', '--to-destination', `127.0.0.1:${nowhere}`];
    execFileSync('iptables', ['-I', ...rule]);
  });
  afterAll(async () => {
    if (rule.length) execFileSync('iptables', ['-D', ...rule]);
    await home.cleanup([lab]);
  });

  it('up fails naming the port, why it can be, and the flag to choose another; nothing is left', async () => {
    const port = Number(rule[rule.indexOf('--dport') + 1]);
    const up = upLab(home.context, { name: lab, images: 'emulated', elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0, ports: { elasticsearch: port } }, { timeouts: { elasticsearch: 5000 } });
    await expect(up).rejects.toMatchObject({
      code: 'READINESS_TIMEOUT',
      message: expect.stringContaining(`ECONNREFUSED 127.0.0.1:${port}. Nothing answered on 127.0.0.1:${port} while es01 ran: if something else forwards that port`),
    });
    await expect(up).rejects.toThrow(/leave its firewall rules behind\), choose another with --port-elasticsearch/);
    const left = await home.environment.engine().labObjects(lab);
    expect(left.containers.length + left.volumes.length + left.networks.length).toBe(0);
  }, 120_000);
});
