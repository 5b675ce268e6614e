import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { labPaths } from '../../main/core/lab-store/lab-home.ts';
import { readLabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { readLabRecord } from '../../main/core/lab-store/lab-records.ts';
import { planLab } from '../../main/core/planner/plan-lab.ts';
import { connectElasticsearch } from '../../main/core/stack/elasticsearch-client.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

let home: TestLabHome;
const lab = uniqueLabName('wire');
let certs: string;
let nodes: Array<{ name: string; ip: string }>;
let esPort: number;

/** openssl's own view of a handshake: what a person would run to check the wire. */
function sClient(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Stay connected long enough for a TLS 1.3 server's post-handshake alert, then hang up.
    const hangUp = setTimeout(() => child.stdin.end(), 1500);
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', () => {
      clearTimeout(hangUp);
      clearTimeout(kill);
      resolve(output);
    });
  });
}

describe('the emulated images on the wire, seen by openssl and the official client', () => {
  beforeAll(async () => {
    home = createTestLabHome();
    // Basic licence: no IP filter, so this host (the bridge gateway) may dial 9300 as a stranger would.
    await upLab(home.context, { name: lab, images: 'emulated', license: 'basic', kibana: false, fleetServer: false, agents: 0 });
    const record = readLabRecord(home.home, lab)!;
    certs = labPaths(home.home, lab).certs;
    nodes = planLab(record.spec, record.allocation).containers.map((c) => ({ name: c.component, ip: c.ip }));
    esPort = record.allocation.ports.elasticsearch;
  });
  afterAll(async () => home.cleanup([lab]));

  it('the official client talks to the 3-node cluster over verified TLS', async () => {
    const client = connectElasticsearch({
      url: `https://127.0.0.1:${esPort}`,
      caPem: readFileSync(join(certs, 'ca', 'ca.crt'), 'utf8'),
      auth: { username: 'elastic', password: readLabSecrets(home.home, lab)!['elastic-password']! },
    });
    try {
      const info = await client.info();
      expect(info.tagline).toContain('emulated');
      const health = await client.cluster.health({ wait_for_nodes: '3', timeout: '30s' });
      expect(health.number_of_nodes).toBe(3);
      const names = ((await client.cat.nodes({ format: 'json', h: 'name' })) as Array<{ name: string }>).map((n) => n.name).sort();
      expect(names).toEqual(['es01', 'es02', 'es03']);
    } finally {
      await client.close();
    }
  });

  it('9300 refuses a client without a certificate (mutual TLS) and verifies with one', async () => {
    for (const node of nodes) {
      const anonymous = await sClient(['-connect', `${node.ip}:9300`, '-CAfile', join(certs, 'ca', 'ca.crt'), '-tls1_3']);
      expect(anonymous, node.name).toMatch(/alert certificate required|certificate required|handshake failure/i);
      const withCertificate = await sClient([
        '-connect',
        `${node.ip}:9300`,
        '-CAfile',
        join(certs, 'ca', 'ca.crt'),
        '-cert',
        join(certs, 'es01', 'es01.crt'),
        '-key',
        join(certs, 'es01', 'es01.key'),
        '-verify_hostname',
        node.name,
        '-verify_return_error',
      ]);
      expect(withCertificate, node.name).toMatch(/Verify return code: 0 \(ok\)/);
      expect(withCertificate, node.name).not.toMatch(/alert certificate required/i);
    }
  });

  it('9200 presents a chain that verifies against the lab CA, for localhost and the node name', async () => {
    const published = await sClient(['-connect', `127.0.0.1:${esPort}`, '-CAfile', join(certs, 'ca', 'ca.crt'), '-verify_hostname', 'localhost', '-verify_return_error', '-showcerts']);
    expect(published).toMatch(/Verify return code: 0 \(ok\)/);
    expect(published).toMatch(/s:CN ?= ?es01/);
    expect(published).toMatch(/i:CN ?= ?Secure Cluster Lab CA/);
    for (const node of nodes) {
      const direct = await sClient(['-connect', `${node.ip}:9200`, '-CAfile', join(certs, 'ca', 'ca.crt'), '-verify_hostname', node.name, '-verify_return_error']);
      expect(direct, node.name).toMatch(/Verify return code: 0 \(ok\)/);
    }
    const foreign = await sClient(['-connect', `127.0.0.1:${esPort}`, '-CAfile', '/etc/ssl/certs/ca-certificates.crt', '-verify_return_error']);
    expect(foreign).not.toMatch(/Verify return code: 0 \(ok\)/);
  });
});
