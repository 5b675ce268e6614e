import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { writeLabCertificates, startElasticsearch, type LabFiles, type RunningElasticsearch } from './support/lab';
import { freePort, startProgram, stopAllStartedPrograms, waitFor } from './support/processes';
import { basic, call } from './support/https-json';
import { findEnrollmentKey, listFleetAgents, revokeEnrollmentToken, setUpFleet, type KibanaConnection } from '../../main/core/stack/kibana-fleet-setup.ts';

/**
 * The orchestrator's own Fleet calls (main/core/stack/kibana-fleet-setup.ts) against the emulated Kibana,
 * whose Fleet routes validate requests with Kibana's schemas; then requests Kibana refuses, over HTTPS.
 */
let files: LabFiles;
let es: RunningElasticsearch;
let labCa: string;
let kibanaUrl: string;

beforeAll(async () => {
  files = writeLabCertificates();
  labCa = readFileSync(files.labCa, 'utf8');
  es = await startElasticsearch(files);
  const kibanaSystemPassword = 'kibana-system-' + Math.random().toString(36).slice(2, 12);
  const set = await call(`${es.url}/_security/user/kibana_system/_password`, { method: 'POST', ca: labCa, body: { password: kibanaSystemPassword }, headers: { authorization: basic('elastic', es.elasticPassword) } });
  expect(set.status).toBe(200);
  const home = join(files.root, 'kibana');
  mkdirSync(join(home, 'config'), { recursive: true });
  const port = await freePort();
  const leaf = files.leaf('kibana');
  writeFileSync(
    join(home, 'config', 'kibana.yml'),
    stringify({
      'server.host': '127.0.0.1',
      'server.port': port,
      'server.ssl.enabled': true,
      'server.ssl.certificate': leaf.cert,
      'server.ssl.key': leaf.key,
      'elasticsearch.hosts': [es.url],
      'elasticsearch.username': 'kibana_system',
      'elasticsearch.password': kibanaSystemPassword,
      'elasticsearch.ssl.certificateAuthorities': [files.labCa],
      'xpack.encryptedSavedObjects.encryptionKey': 'e'.repeat(32),
    }),
  );
  startProgram('kibana-requests', 'emulator/kibana/main.ts', [], { KIBANA_HOME: home });
  kibanaUrl = `https://localhost:${port}`;
  await waitFor('Kibana to become available', async () => ((await call(`${kibanaUrl}/api/status`, { ca: labCa }).catch(() => undefined))?.status === 200 ? true : undefined), 40_000);
}, 90_000);

afterAll(async () => {
  await stopAllStartedPrograms();
});

describe('the orchestrator’s Fleet calls against the emulated Kibana', () => {
  it('setUpFleet, findEnrollmentKey, revokeEnrollmentToken and listFleetAgents pass Kibana’s request validation', async () => {
    const kibana: KibanaConnection = { url: kibanaUrl, caPem: labCa, username: 'elastic', password: es.elasticPassword };
    const { enrollmentToken } = await setUpFleet(kibana, {
      fleetServerPolicyId: 'fleet-server-policy',
      agentPolicyId: 'lab-agent-policy',
      fleetServerUrl: 'https://fleet-server:8220',
      elasticsearchUrl: 'https://es01:9200',
      caPem: labCa,
      caFingerprintSha256: files.fingerprint,
    });
    expect((await findEnrollmentKey(kibana, enrollmentToken))?.active).toBe(true);
    await revokeEnrollmentToken(kibana, enrollmentToken);
    expect((await findEnrollmentKey(kibana, enrollmentToken))?.active).toBe(false);
    expect(await listFleetAgents(kibana)).toEqual([]);
  });
});

describe('Fleet requests Kibana refuses (400, Kibana’s error envelope)', () => {
  const kbn = (path: string, method: string, body?: unknown) => call(`${kibanaUrl}${path}`, { method, ca: labCa, body, headers: { authorization: basic('elastic', es.elasticPassword), 'kbn-xsrf': 'true' } });

  it('an agent policy with an unknown key or without a namespace', async () => {
    const unknown = await kbn('/api/fleet/agent_policies', 'POST', { name: 'p', namespace: 'default', monitoring: ['logs'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: '[request body.monitoring]: definition for this key is missing' });
    const noNamespace = await kbn('/api/fleet/agent_policies', 'POST', { name: 'p' });
    expect(noNamespace.json().message).toBe('[request body.namespace]: expected value of type [string] but got [undefined]');
  });

  it('an unknown query parameter on the agents list', async () => {
    const answer = await kbn('/api/fleet/agents?per_page=100', 'GET');
    expect(answer.status).toBe(400);
    expect(answer.json().message).toBe('[request query.per_page]: definition for this key is missing');
  });

  it('an output update whose ssl has an unknown key', async () => {
    const answer = await kbn('/api/fleet/outputs/fleet-default-output', 'PUT', { ssl: { verify: true } });
    expect(answer.status).toBe(400);
    expect(answer.json().message).toContain('- [request body.0.ssl]: types that failed validation:');
    expect(answer.json().message).toContain(' - [request body.ssl.1.verify]: definition for this key is missing');
  });
});
