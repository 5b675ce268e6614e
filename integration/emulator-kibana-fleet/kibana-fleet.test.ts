import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { writeLabCertificates, startElasticsearch, type LabFiles, type RunningElasticsearch } from './support/lab';
import { freePort, runToCompletion, startProgram, stopAllStartedPrograms, stopProgram, waitFor, type StartedProgram } from './support/processes';
import { basic, call } from './support/https-json';
import { createAgentHome } from './support/agent-home';

const KEY_A = 'a'.repeat(16) + 'security-key-000000';
const KEY_B = 'b'.repeat(16) + 'saved-objects-key-0';
const KEY_C = 'c'.repeat(16) + 'reporting-key-00000';

let files: LabFiles;
let es: RunningElasticsearch;
let labCa: string;
let otherCa: string;
const kibanaSystemPassword = 'kibana-system-' + Math.random().toString(36).slice(2, 12);

async function esCall(path: string, method = 'GET', body?: unknown) {
  return call(`${es.url}${path}`, { method, ca: labCa, body, headers: { authorization: basic('elastic', es.elasticPassword) } });
}

interface KibanaInstance {
  program: StartedProgram;
  url: string;
}

/** Starts the emulated Kibana with its own config dir; `settings` go to kibana.yml. */
async function startKibana(name: string, settings: Record<string, unknown>, env: Record<string, string> = {}): Promise<KibanaInstance> {
  const home = join(files.root, name);
  mkdirSync(join(home, 'config'), { recursive: true });
  const port = await freePort();
  writeFileSync(join(home, 'config', 'kibana.yml'), stringify({ 'server.host': '127.0.0.1', 'server.port': port, ...settings }));
  const program = startProgram(name, 'emulator/kibana/main.ts', [], { KIBANA_HOME: home, ...env });
  const tls = settings['server.ssl.enabled'] === true;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  await waitFor(
    `${name} to listen`,
    async () =>
      program.output().includes('http server running at')
        ? true
        : program.child.exitCode !== null
          ? (() => {
              throw new Error(program.output());
            })()
          : undefined,
    20_000,
  );
  return { program, url };
}

function kibanaSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const kibanaLeaf = files.leaf('kibana');
  return {
    'elasticsearch.hosts': [es.url],
    'elasticsearch.username': 'kibana_system',
    'elasticsearch.password': kibanaSystemPassword,
    'elasticsearch.ssl.certificateAuthorities': [files.labCa],
    'elasticsearch.ssl.verificationMode': 'full',
    'server.ssl.enabled': true,
    'server.ssl.certificate': kibanaLeaf.cert,
    'server.ssl.key': kibanaLeaf.key,
    'xpack.security.encryptionKey': KEY_A,
    'xpack.encryptedSavedObjects.encryptionKey': KEY_B,
    'xpack.reporting.encryptionKey': KEY_C,
    'xpack.security.sameSiteCookies': 'Strict',
    ...extra,
  };
}

async function expectKibanaRefusal(name: string, settings: Record<string, unknown>, message: string) {
  const home = join(files.root, name);
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config', 'kibana.yml'), stringify(settings));
  const result = await runToCompletion('emulator/kibana/main.ts', [], { KIBANA_HOME: home });
  // ensure_valid_configuration.ts: an invalid config is a CriticalError with exit code 78
  expect(result.code).toBe(78);
  expect(result.output).toContain(message);
}

const ES_401_HINT =
  'Kibana logs the client error of GET /_nodes?filter_path=…; real Elasticsearch returns its full 401 body there (filter_path does not strip it), so an empty "{}" means the emulated node filtered its error body';

let kibana: KibanaInstance;

beforeAll(async () => {
  files = writeLabCertificates();
  labCa = readFileSync(files.labCa, 'utf8');
  otherCa = readFileSync(files.otherCa, 'utf8');
  es = await startElasticsearch(files);
  // Kibana starts before kibana_system has a password, like a fresh stack: it must stay unavailable.
  kibana = await startKibana('kibana', kibanaSettings());
}, 90_000);

afterAll(async () => {
  await stopAllStartedPrograms();
});

describe('Kibana configuration rules (startup refusals and warnings)', () => {
  it('refuses elasticsearch.username: elastic with the real validation error', async () => {
    await expectKibanaRefusal(
      'kbn-elastic-user',
      { ...kibanaSettings(), 'elasticsearch.username': 'elastic' },
      'value of "elastic" is forbidden. This is a superuser account that cannot write to system indices that Kibana needs to function.',
    );
  });

  it('refuses an encryption key shorter than 32 characters', async () => {
    await expectKibanaRefusal(
      'kbn-short-key',
      { ...kibanaSettings(), 'xpack.encryptedSavedObjects.encryptionKey': 'too-short' },
      '[config validation of [xpack.encryptedSavedObjects].encryptionKey]: value has length [9] but it must have a minimum length of [32].',
    );
  });

  it('refuses a username together with a service account token', async () => {
    await expectKibanaRefusal('kbn-both-credentials', { ...kibanaSettings(), 'elasticsearch.serviceAccountToken': 'AAEAAWVsYXN0aWM' }, 'serviceAccountToken cannot be specified when "username" is also set.');
  });

  it('refuses to run as root without --allow-root (when the test bypass is off)', async () => {
    if (process.getuid?.() !== 0) return;
    const result = await runToCompletion('emulator/kibana/main.ts', [], { KIBANA_HOME: join(files.root, 'kibana'), SECLAB_EMULATOR_TEST_ALLOW_ROOT: '0' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Kibana should not be run as root.  Use --allow-root to continue.');
  });

  it('kibana-docker maps ELASTICSEARCH_USERNAME=elastic to the setting, and Kibana refuses it', async () => {
    const home = join(files.root, 'kbn-docker-env');
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(join(home, 'config', 'kibana.yml'), stringify({ ...kibanaSettings(), 'elasticsearch.username': undefined, 'elasticsearch.password': undefined }));
    const result = await runToCompletion('emulator/kibana/kibana-docker.ts', [], { KIBANA_HOME: home, ELASTICSEARCH_USERNAME: 'elastic', ELASTICSEARCH_PASSWORD: 'x' });
    expect(result.code).toBe(78);
    expect(result.output).toContain('[config validation of [elasticsearch].username]: value of "elastic" is forbidden.');
  });

  it('kibana-keystore entries override kibana.yml (a short key in the keystore is refused)', async () => {
    const home = join(files.root, 'kbn-keystore');
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(join(home, 'config', 'kibana.yml'), stringify(kibanaSettings()));
    const env = { KIBANA_HOME: home };
    expect((await runToCompletion('emulator/kibana/keystore-cli.ts', ['create'], env)).output).toContain(`Created Kibana keystore in ${join(home, 'config', 'kibana.keystore')}`);
    expect((await runToCompletion('emulator/kibana/keystore-cli.ts', ['add', 'xpack.security.encryptionKey', '--stdin'], env, 20_000, 'short-from-keystore\n')).code).toBe(0);
    expect((await runToCompletion('emulator/kibana/keystore-cli.ts', ['list'], env)).output.trim()).toBe('xpack.security.encryptionKey');
    const again = await runToCompletion('emulator/kibana/keystore-cli.ts', ['add', 'xpack.security.encryptionKey', '-x'], env, 20_000, 'other');
    expect(again.output).toContain('Setting xpack.security.encryptionKey already exists, exiting without modifying keystore.');
    const result = await runToCompletion('emulator/kibana/main.ts', [], env);
    expect(result.code).toBe(78);
    expect(result.output).toContain('[config validation of [xpack.security].encryptionKey]: value has length [19] but it must have a minimum length of [32].');
  });

  it('warns about each missing encryption key with Kibana’s wording', async () => {
    const noKeys = kibanaSettings();
    delete noKeys['xpack.security.encryptionKey'];
    delete noKeys['xpack.encryptedSavedObjects.encryptionKey'];
    delete noKeys['xpack.reporting.encryptionKey'];
    const instance = await startKibana('kbn-no-keys', noKeys);
    const log = instance.program.output();
    expect(log).toMatch(/\[WARN \]\[plugins\.security\.config\] Generating a random key for xpack\.security\.encryptionKey\./);
    expect(log).toContain('[WARN ][plugins.encryptedSavedObjects] Saved objects encryption key is not set. This will severely limit Kibana functionality.');
    expect(log).toContain('Generating a random key for xpack.reporting.encryptionKey.');
    await stopProgram(instance.program);
  });
});

describe('Kibana status and Elasticsearch connection', () => {
  it('serves HTTPS that verifies with the lab CA and not with another CA', async () => {
    const ok = await call(`${kibana.url}/api/status`, { ca: labCa });
    expect([200, 503]).toContain(ok.status);
    await expect(call(`${kibana.url}/api/status`, { ca: otherCa })).rejects.toThrow(/self-signed certificate|unable to verify|unable to get local issuer/);
  });

  it('is unavailable (503) while kibana_system cannot authenticate, and says why in its log', async () => {
    const status = await call(`${kibana.url}/api/status`, { ca: labCa });
    expect(status.status).toBe(503);
    expect(status.json()).toEqual({ status: { overall: { level: 'critical' } } });
    await waitFor('the authentication failure in the Kibana log', async () => (kibana.program.output().includes('Unable to retrieve version information from Elasticsearch nodes.') ? true : undefined), 10_000);
    expect(kibana.program.output(), ES_401_HINT).toContain('unable to authenticate user [kibana_system] for REST request [/_nodes?filter_path=');
    const notReady = await call(`${kibana.url}/`, { ca: labCa });
    expect(notReady.status).toBe(503);
    expect(notReady.text).toBe('Kibana server is not ready yet');
  });

  it('becomes available (200) once the kibana_system password is set', async () => {
    const set = await esCall('/_security/user/kibana_system/_password', 'POST', { password: kibanaSystemPassword });
    expect(set.status).toBe(200);
    const available = await waitFor(
      'Kibana to become available',
      async () => {
        const res = await call(`${kibana.url}/api/status`, { ca: labCa });
        return res.status === 200 ? res : undefined;
      },
      20_000,
    );
    expect(available.json()).toEqual({ status: { overall: { level: 'available' } } });
    const full = await call(`${kibana.url}/api/status`, { ca: labCa, headers: { authorization: basic('elastic', es.elasticPassword) } });
    expect(full.json().status.core.elasticsearch.level).toBe('available');
    expect(full.json().version.number).toMatch(/^9\./);
  });

  it('stays unavailable with a wrong kibana_system password', async () => {
    const wrong = await startKibana('kbn-wrong-password', kibanaSettings({ 'elasticsearch.password': 'not-the-password' }));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const status = await call(`${wrong.url}/api/status`, { ca: labCa });
    expect(status.status).toBe(503);
    expect(wrong.program.output(), ES_401_HINT).toContain('unable to authenticate user [kibana_system]');
    await stopProgram(wrong.program);
  });

  it('connects with the elastic/kibana service account token instead of a password', async () => {
    const token = await esCall('/_security/service/elastic/kibana/credential/token/seclab-kibana', 'POST');
    expect(token.status).toBe(200);
    const settings = kibanaSettings({ 'elasticsearch.serviceAccountToken': token.json().token.value });
    delete settings['elasticsearch.username'];
    delete settings['elasticsearch.password'];
    const withToken = await startKibana('kbn-service-token', settings);
    await waitFor('Kibana (service token) available', async () => ((await call(`${withToken.url}/api/status`, { ca: labCa })).status === 200 ? true : undefined), 15_000);
    await stopProgram(withToken.program);
  });

  it('does not trust Elasticsearch without the right CA (full verification)', async () => {
    const untrusting = await startKibana('kbn-wrong-ca', kibanaSettings({ 'elasticsearch.ssl.certificateAuthorities': [files.otherCa] }));
    await waitFor(
      'a TLS failure in the log',
      async () => (/Unable to retrieve version information from Elasticsearch nodes\. .*(self-signed certificate|unable to verify|unable to get local issuer)/.test(untrusting.program.output()) ? true : undefined),
      10_000,
    );
    expect((await call(`${untrusting.url}/api/status`, { ca: labCa })).status).toBe(503);
    await stopProgram(untrusting.program);
  });
});

describe('Kibana authentication, XSRF and sessions', () => {
  it('redirects an anonymous browser to the login page and refuses anonymous API calls', async () => {
    const root = await call(`${kibana.url}/`, { ca: labCa });
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/login?next=%2F');
    const api = await call(`${kibana.url}/api/fleet/agents`, { ca: labCa });
    expect(api.status).toBe(401);
    expect(api.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
  });

  it('rejects a write without kbn-xsrf with 400', async () => {
    const res = await call(`${kibana.url}/internal/security/login`, {
      method: 'POST',
      ca: labCa,
      body: { providerType: 'basic', providerName: 'basic', currentURL: `${kibana.url}/login`, params: { username: 'elastic', password: es.elasticPassword } },
    });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' });
  });

  it('logs in with a Secure, HttpOnly, SameSite cookie and refuses bad credentials', async () => {
    const bad = await call(`${kibana.url}/internal/security/login`, {
      method: 'POST',
      ca: labCa,
      headers: { 'kbn-xsrf': 'true' },
      body: { providerType: 'basic', providerName: 'basic', currentURL: `${kibana.url}/login`, params: { username: 'elastic', password: 'wrong' } },
    });
    expect(bad.status).toBe(401);
    const good = await call(`${kibana.url}/internal/security/login`, {
      method: 'POST',
      ca: labCa,
      headers: { 'kbn-xsrf': 'true' },
      body: { providerType: 'basic', providerName: 'basic', currentURL: `${kibana.url}/login?next=%2Fapp%2Fhome`, params: { username: 'elastic', password: es.elasticPassword } },
    });
    expect(good.status).toBe(200);
    expect(good.json()).toEqual({ location: '/app/home' });
    const cookie = String((good.headers['set-cookie'] as string[])[0]);
    expect(cookie).toMatch(/^sid=[^;]+; Secure; HttpOnly; SameSite=Strict; Path=\/$/);
    const me = await call(`${kibana.url}/internal/security/me`, { ca: labCa, headers: { cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(me.json().username).toBe('elastic');
  });

  it('ends an idle session after xpack.security.session.idleTimeout', async () => {
    const short = await startKibana('kbn-idle', kibanaSettings({ 'xpack.security.session.idleTimeout': '2s', 'xpack.security.sameSiteCookies': 'Lax' }));
    await waitFor('Kibana (idle) to be available', async () => ((await call(`${short.url}/api/status`, { ca: labCa })).status === 200 ? true : undefined), 15_000);
    const login = await call(`${short.url}/internal/security/login`, {
      method: 'POST',
      ca: labCa,
      headers: { 'kbn-xsrf': 'true' },
      body: { providerType: 'basic', providerName: 'basic', currentURL: `${short.url}/login`, params: { username: 'elastic', password: es.elasticPassword } },
    });
    const cookie = String((login.headers['set-cookie'] as string[])[0]).split(';')[0]!;
    expect((await call(`${short.url}/internal/security/me`, { ca: labCa, headers: { cookie } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await call(`${short.url}/internal/security/me`, { ca: labCa, headers: { cookie } })).status).toBe(401);
    await stopProgram(short.program);
  });
});

describe('Fleet: Kibana APIs, Fleet Server and an enrolled agent', () => {
  const elastic = () => ({ authorization: basic('elastic', es.elasticPassword), 'kbn-xsrf': 'true' });
  let fleetPort: number;
  let fleetUrl: string;
  let serviceToken: string;
  let enrollmentToken: string;
  let fleetServer: StartedProgram;
  let enrolledAgent: StartedProgram;
  let agentHome: string;

  const kbn = (path: string, method = 'GET', body?: unknown) => call(`${kibana.url}${path}`, { method, ca: labCa, body, headers: elastic() });

  function fleetServerEnv(overrides: Record<string, string> = {}): Record<string, string> {
    const leaf = files.leaf('fleet-server');
    return {
      FLEET_SERVER_ENABLE: '1',
      FLEET_SERVER_HOST: '127.0.0.1',
      FLEET_SERVER_ELASTICSEARCH_HOST: es.url,
      FLEET_SERVER_SERVICE_TOKEN: serviceToken,
      FLEET_SERVER_ELASTICSEARCH_CA: files.labCa,
      FLEET_SERVER_CERT: leaf.cert,
      FLEET_SERVER_CERT_KEY: leaf.key,
      FLEET_SERVER_POLICY_ID: 'fleet-server-policy',
      // A custom FLEET_SERVER_CERT needs FLEET_URL, and the agent checks its own Fleet Server's chain
      // against FLEET_CA (enroll_cmd.go prepareFleetTLS, enroll.go).
      FLEET_URL: fleetUrl,
      FLEET_CA: files.labCa,
      ...overrides,
    };
  }

  /** The emulated Fleet Server container program on `port`, with its own state folder. */
  function startFleetServer(name: string, port: number, overrides: Record<string, string> = {}): StartedProgram {
    return startProgram(name, 'emulator/elastic-agent/main.ts', ['container'], {
      ...fleetServerEnv({ FLEET_SERVER_PORT: String(port), ...overrides }),
      ELASTIC_AGENT_HOME: agentHome,
      STATE_PATH: join(files.root, `${name}-state`),
    });
  }

  it('sets up Fleet: policies, Fleet Server host, output with the CA, enrollment token', async () => {
    agentHome = createAgentHome(files.root);
    fleetPort = await freePort();
    fleetUrl = `https://localhost:${fleetPort}`;
    expect((await kbn('/api/fleet/setup', 'POST')).json()).toEqual({ isInitialized: true, nonFatalErrors: [] });
    const fsPolicy = await kbn('/api/fleet/agent_policies?sys_monitoring=true', 'POST', { id: 'fleet-server-policy', name: 'Fleet Server policy', namespace: 'default', has_fleet_server: true });
    expect(fsPolicy.status).toBe(200);
    expect(fsPolicy.json().item).toMatchObject({ id: 'fleet-server-policy', status: 'active', revision: 1, updated_by: 'elastic' });
    expect((await kbn('/api/fleet/agent_policies', 'POST', { id: 'agent-policy', name: 'Agent policy', namespace: 'default' })).status).toBe(200);
    expect((await kbn('/api/fleet/agent_policies')).json().total).toBe(2);
    const host = await kbn('/api/fleet/fleet_server_hosts', 'POST', { name: 'lab', host_urls: [fleetUrl], is_default: true });
    expect(host.json().item).toMatchObject({ host_urls: [fleetUrl], is_default: true });
    const output = await kbn('/api/fleet/outputs/fleet-default-output', 'PUT', {
      name: 'default',
      type: 'elasticsearch',
      hosts: [es.url],
      ca_trusted_fingerprint: files.fingerprint,
      ssl: { certificate_authorities: [labCa] },
      is_default: true,
      is_default_monitoring: true,
    });
    expect(output.status).toBe(200);
    expect(output.json().item.ca_trusted_fingerprint).toBe(files.fingerprint);
    const key = await kbn('/api/fleet/enrollment_api_keys', 'POST', { policy_id: 'agent-policy', name: 'lab' });
    expect(key.json()).toMatchObject({ action: 'created', item: { policy_id: 'agent-policy', active: true } });
    enrollmentToken = key.json().item.api_key;
    expect(Buffer.from(enrollmentToken, 'base64').toString('utf8')).toContain(`${key.json().item.api_key_id}:`);
    const listed = await kbn(`/api/fleet/enrollment_api_keys?kuery=${encodeURIComponent('policy_id:"agent-policy"')}`);
    expect(listed.json().items.map((k: { api_key: string }) => k.api_key)).toContain(enrollmentToken);
    const token = await esCall('/_security/service/elastic/fleet-server/credential/token/seclab-test', 'POST');
    expect(token.status).toBe(200);
    serviceToken = token.json().token.value;
  });

  it('Fleet Server reports HEALTHY over HTTPS with the lab CA', async () => {
    fleetServer = startFleetServer('fleet-server', fleetPort);
    const status = await waitFor(
      'Fleet Server HEALTHY',
      async () => {
        const res = await call(`${fleetUrl}/api/status`, { ca: labCa });
        // DEGRADED (also 200) comes first, while its own agent is not enrolled yet (self.go).
        return res.json().status === 'HEALTHY' ? res : undefined;
      },
      20_000,
    );
    expect(status.status).toBe(200);
    expect(status.json()).toEqual({ name: 'fleet-server', status: 'HEALTHY' });
  });

  it('Fleet Server started before its policy exists reports STARTING (503), waiting on the policy, and turns HEALTHY once Kibana creates it', async () => {
    const port = await freePort();
    const early = startFleetServer('fleet-server-early', port, { FLEET_SERVER_POLICY_ID: 'late-fleet-server-policy' });
    try {
      // fleet-server internal/pkg/policy/self.go updateState; api/handleStatus.go: 503 unless HEALTHY or DEGRADED.
      const waiting = await waitFor(
        'a STARTING status',
        async () => {
          const r = await call(`https://127.0.0.1:${port}/api/status`, { ca: labCa }).catch(() => undefined);
          return r?.json().status === 'STARTING' ? r : undefined;
        },
        15_000,
      );
      expect(waiting.status).toBe(503);
      await waitFor('the waiting line', async () => (early.output().includes('Waiting on policy with Fleet Server integration: late-fleet-server-policy') ? true : undefined), 10_000);
      expect((await kbn('/api/fleet/agent_policies', 'POST', { id: 'late-fleet-server-policy', name: 'Late Fleet Server policy', namespace: 'default', has_fleet_server: true })).status).toBe(200);
      const healthy = await waitFor(
        'HEALTHY once the policy exists',
        async () => {
          const r = await call(`https://127.0.0.1:${port}/api/status`, { ca: labCa });
          return r.json().status === 'HEALTHY' ? r : undefined;
        },
        15_000,
      );
      expect(healthy.status).toBe(200);
    } finally {
      await stopProgram(early);
    }
  });

  it("Fleet Server whose policy never comes gives up after FLEET_SERVER_TIMEOUT, in the agent's words", async () => {
    const port = await freePort();
    const waiting = startFleetServer('fleet-server-no-policy', port, { FLEET_SERVER_POLICY_ID: 'never-created-policy', FLEET_SERVER_TIMEOUT: '3s' });
    // elastic-agent enroll_cmd.go waitForFleetServer; the container exits non-zero.
    const code = await Promise.race([waiting.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    await stopProgram(waiting);
    expect(code).not.toBe(0);
    expect(code).not.toBe('still running');
    expect(waiting.output()).toContain('Error: fleet-server failed: timed out waiting for Fleet Server to start after 3s');
  });

  it('Fleet Server with a bad service token is not HEALTHY (503)', async () => {
    const port = await freePort();
    const bad = startFleetServer('fleet-server-bad-token', port, { FLEET_SERVER_SERVICE_TOKEN: 'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL2JvZ3VzOmJvZ3Vz' });
    const res = await waitFor(
      'a FAILED status',
      async () => {
        const r = await call(`https://127.0.0.1:${port}/api/status`, { ca: labCa });
        return r.json().status === 'FAILED' ? r : undefined;
      },
      15_000,
    );
    expect(res.status).toBe(503);
    expect(bad.output()).toContain('elastic fail 401');
    await stopProgram(bad);
  });

  it('Fleet Server that does not trust the Elasticsearch CA logs the x509 error and stays 503', async () => {
    const port = await freePort();
    const untrusting = startFleetServer('fleet-server-wrong-ca', port, { FLEET_SERVER_ELASTICSEARCH_CA: files.otherCa });
    await waitFor('the x509 error', async () => (untrusting.output().includes('x509: certificate signed by unknown authority') ? true : undefined), 15_000);
    expect((await call(`https://127.0.0.1:${port}/api/status`, { ca: labCa })).status).toBe(503);
    await stopProgram(untrusting);
  });

  it('an agent enrolls through Fleet Server with the CA and shows online in Kibana; elastic-agent status is healthy', async () => {
    const statePath = join(files.root, 'agent-state');
    enrolledAgent = startProgram('agent', 'emulator/elastic-agent/main.ts', ['container'], {
      FLEET_ENROLL: '1',
      FLEET_URL: fleetUrl,
      FLEET_ENROLLMENT_TOKEN: enrollmentToken,
      FLEET_CA: files.labCa,
      ELASTIC_AGENT_HOME: agentHome,
      STATE_PATH: statePath,
    });
    const agents = await waitFor(
      'the agent online in Kibana',
      async () => {
        const res = await kbn('/api/fleet/agents');
        const items = res.json().items as Array<{ policy_id: string; status: string }>;
        return items.some((a) => a.policy_id === 'agent-policy' && a.status === 'online') ? items : undefined;
      },
      30_000,
    );
    expect(agents.some((a) => a.policy_id === 'fleet-server-policy')).toBe(true);
    const summary = await kbn('/api/fleet/agent_status?policyId=agent-policy');
    expect(summary.json().results.online).toBe(1);

    const status = await waitFor(
      'elastic-agent status to report a connected fleet',
      async () => {
        const result = await runToCompletion('emulator/elastic-agent/main.ts', ['status'], { ELASTIC_AGENT_HOME: agentHome, STATE_PATH: statePath });
        return result.code === 0 && result.output.includes('(HEALTHY) Connected') ? result : undefined;
      },
      20_000,
      1000,
    );
    expect(status.output).toContain('└─ elastic-agent\n   └─ status: (HEALTHY) Running');
  });

  it('a restarted agent keeps its enrollment (state in STATE_PATH) instead of enrolling again', async () => {
    const statePath = join(files.root, 'agent-state');
    const before = (await kbn('/api/fleet/agents')).json().total as number;
    await stopProgram(enrolledAgent);
    const first = startProgram('agent-restart', 'emulator/elastic-agent/main.ts', ['container'], {
      // The same token: a different one no longer matches the stored hash and enrolls again (shouldFleetEnroll).
      FLEET_ENROLL: '1',
      FLEET_URL: fleetUrl,
      FLEET_ENROLLMENT_TOKEN: enrollmentToken,
      FLEET_CA: files.labCa,
      ELASTIC_AGENT_HOME: agentHome,
      STATE_PATH: statePath,
    });
    await waitFor('the restarted agent to check in', async () => (first.output().includes('Fleet checkin succeeded') ? true : undefined), 15_000);
    expect(first.output()).toContain('already enrolled');
    expect((await kbn('/api/fleet/agents')).json().total).toBe(before);
  });

  it('Fleet Server without FLEET_SERVER_CERT serves a self-signed certificate that agents with the lab CA refuse', async () => {
    const port = await freePort();
    const selfSigned = startFleetServer('fleet-server-self-signed', port, { FLEET_SERVER_CERT: '', FLEET_SERVER_CERT_KEY: '' });
    await waitFor('the self-signed server', async () => (selfSigned.output().includes('server listening') ? true : undefined), 15_000);
    expect(selfSigned.output()).toContain('Generating self-signed certificate for Fleet Server');
    await expect(call(`https://127.0.0.1:${port}/api/status`, { ca: labCa })).rejects.toThrow();
    const insecure = await call(`https://127.0.0.1:${port}/api/status`, { rejectUnauthorized: false });
    expect(insecure.json().name).toBe('fleet-server');
    await stopProgram(selfSigned);
  });

  /** The Fleet Server's own agent id, from its "Successfully enrolled" log line. */
  async function fleetServerAgentId(program: StartedProgram): Promise<string> {
    return waitFor(
      `${program.name} to enroll itself`,
      async () => {
        const line = program
          .output()
          .split('\n')
          .find((l) => l.includes('"Successfully enrolled the Elastic Agent."'));
        return line ? (JSON.parse(line) as { 'agent.id': string })['agent.id'] : undefined;
      },
      20_000,
    );
  }

  async function restartedFleetServerIds(version: string, overrides: Record<string, string>): Promise<{ first: string; second: string; output: string }> {
    const port = await freePort();
    const env = { ...fleetServerEnv({ FLEET_SERVER_PORT: String(port), ...overrides }), ELASTIC_AGENT_HOME: agentHome, STATE_PATH: join(files.root, `fs-restart-${version}-${port}`), SECLAB_EMULATED_VERSION: version };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete (env as Record<string, string | undefined>)[key];
    const first = startProgram(`fleet-server-${version}-first`, 'emulator/elastic-agent/main.ts', ['container'], env);
    const firstId = await fleetServerAgentId(first);
    await stopProgram(first);
    const second = startProgram(`fleet-server-${version}-second`, 'emulator/elastic-agent/main.ts', ['container'], env);
    const secondId = await fleetServerAgentId(second);
    await stopProgram(second);
    return { first: firstId, second: secondId, output: second.output() };
  }

  it('before 9.5.2 a restarted co-located Fleet Server with FLEET_URL enrolls again (elastic-agent#15922): a new agent id, the old one left behind', async () => {
    const ids = await restartedFleetServerIds('9.4.3', {});
    expect(ids.second).not.toBe(ids.first);
    expect(ids.output).toContain('Policy selected for enrollment:  fleet-server-policy');
    const listed = ((await kbn('/api/fleet/agents?perPage=100')).json().items as Array<{ id: string }>).map((a) => a.id);
    expect(listed).toEqual(expect.arrayContaining([ids.first, ids.second]));
  });

  it('9.5.2 (PR #15987) keeps the co-located Fleet Server’s enrollment across a restart, with FLEET_URL set', async () => {
    const ids = await restartedFleetServerIds('9.5.2', {});
    expect(ids.second).toBe(ids.first);
    expect(ids.output).toContain('failed to validate api token against Fleet Server, keeping existing enrollment');
    expect(ids.output).not.toContain('Policy selected for enrollment');
  });

  it('9.5.2 without FLEET_URL (plain HTTP, no certificate) keeps it too; before 9.5.2 it enrolls again', async () => {
    const plain = {
      FLEET_URL: undefined as unknown as string,
      FLEET_SERVER_CERT: undefined as unknown as string,
      FLEET_SERVER_CERT_KEY: undefined as unknown as string,
      FLEET_SERVER_INSECURE_HTTP: '1',
      FLEET_SERVER_HOST: '127.0.0.1',
    };
    const fixed = await restartedFleetServerIds('9.5.2', plain);
    expect(fixed.second).toBe(fixed.first);
    const before = await restartedFleetServerIds('9.5.1', plain);
    expect(before.second).not.toBe(before.first);
  });

  it('a Fleet Server whose certificate FLEET_CA does not sign cannot enroll itself and gives up after FLEET_ENROLL_TIMEOUT', async () => {
    const port = await freePort();
    const untrusted = startFleetServer('fleet-server-untrusted-own-cert', port, { FLEET_CA: files.otherCa, FLEET_ENROLL_TIMEOUT: '3s' });
    expect(await untrusted.exited).toBe(1);
    expect(untrusted.output()).toContain('Enrollment failed: fail to execute request to fleet-server: x509: certificate signed by unknown authority');
    expect(untrusted.output()).toContain('Error: fail to enroll: fail to execute request to fleet-server: x509: certificate signed by unknown authority');
    expect(untrusted.output()).toContain('Error: enrollment failed: exit status 1');
  });

  it('an agent that does not trust Fleet Server’s certificate is refused, unless FLEET_INSECURE', async () => {
    const before = (await kbn('/api/fleet/agents')).json().total as number;
    const refused = startProgram('agent-wrong-ca', 'emulator/elastic-agent/main.ts', ['container'], {
      FLEET_ENROLL: '1',
      FLEET_URL: fleetUrl,
      FLEET_ENROLLMENT_TOKEN: enrollmentToken,
      FLEET_CA: files.otherCa,
      FLEET_ENROLL_TIMEOUT: '3s',
      ELASTIC_AGENT_HOME: agentHome,
      STATE_PATH: join(files.root, 'agent-wrong-ca-state'),
    });
    const code = await refused.exited;
    expect(code).toBe(1);
    expect(refused.output()).toContain('Error: fail to enroll: fail to execute request to fleet-server: x509: certificate signed by unknown authority');
    expect((await kbn('/api/fleet/agents')).json().total).toBe(before);

    startProgram('agent-insecure', 'emulator/elastic-agent/main.ts', ['container'], {
      FLEET_ENROLL: '1',
      FLEET_URL: fleetUrl,
      FLEET_ENROLLMENT_TOKEN: enrollmentToken,
      FLEET_CA: files.otherCa,
      FLEET_INSECURE: '1',
      ELASTIC_AGENT_HOME: agentHome,
      STATE_PATH: join(files.root, 'agent-insecure-state'),
    });
    await waitFor('the insecure agent to enroll', async () => ((await kbn('/api/fleet/agents')).json().total === before + 1 ? true : undefined), 20_000);
  });

  it('an agent with a token that is not an enrollment key is refused by Fleet Server', async () => {
    const refused = startProgram('agent-bad-token', 'emulator/elastic-agent/main.ts', ['container'], {
      FLEET_ENROLL: '1',
      FLEET_URL: fleetUrl,
      FLEET_ENROLLMENT_TOKEN: Buffer.from('nope:nope').toString('base64'),
      FLEET_CA: files.labCa,
      FLEET_ENROLL_TIMEOUT: '2s',
      ELASTIC_AGENT_HOME: agentHome,
      STATE_PATH: join(files.root, 'agent-bad-token-state'),
    });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('status code: 401, fleet-server returned an error: ErrUnauthorized, message: unauthorized');
  });

  it('requires a superuser for the Fleet APIs', async () => {
    const create = await esCall('/_security/user/viewer-user', 'POST', { password: 'viewer-password-123', roles: ['viewer'] });
    expect(create.status).toBe(200);
    const res = await call(`${kibana.url}/api/fleet/agents`, { ca: labCa, headers: { authorization: basic('viewer-user', 'viewer-password-123') } });
    expect(res.status).toBe(403);
    void fleetServer;
  });
});
