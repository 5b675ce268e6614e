import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_VERSION, parseLabSpec } from '../../../common/lab-spec.ts';
import { planLab } from './plan-lab.ts';
import { planForDisplay } from './plan-for-display.ts';
import { LAB_LABEL, REDACTED } from '../../../common/lab-plan.ts';

const allocation = { subnetIndex: 3, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } };
const displayed = (nodes: number, extra: object = {}) =>
  planForDisplay(planLab(parseLabSpec({ elasticsearch: { nodes }, ...extra }), allocation)) as {
    network: { subnet: string; labels: Record<string, string> };
    volumes: Array<{ name: string; labels: Record<string, string> }>;
    containers: Array<{
      name: string;
      component: string;
      kind: string;
      image: string;
      user: string;
      ip: string;
      ports: Array<{ hostIp: string; hostPort: number; containerPort: number }>;
      memoryBytes: number;
      ulimits: unknown[];
      mounts: unknown[];
      labels: Record<string, string>;
      env: Record<string, unknown>;
      settings: Record<string, unknown>;
      keystore: string[];
    }>;
  };

describe('plan', () => {
  it('matches the golden plan of the default lab', async () => {
    await expect(JSON.stringify(displayed(3), null, 2)).toMatchFileSnapshot('./__golden__/default-lab.plan.json');
  });

  it.each([1, 3, 7])('plans %i Elasticsearch nodes with the compose recipe settings', (nodes) => {
    const plan = displayed(nodes);
    const es = plan.containers.filter((c) => c.kind === 'elasticsearch');
    expect(es.map((c) => c.component)).toEqual(Array.from({ length: nodes }, (_, i) => `es0${i + 1}`));
    for (const [index, node] of es.entries()) {
      const name = node.component;
      expect(node.image).toBe(`docker.elastic.co/elasticsearch/elasticsearch:${DEFAULT_STACK_VERSION}`);
      expect(node.user).toBe('1000:0');
      expect(node.ip).toBe(`172.29.3.${11 + index}`);
      expect(node.settings).toMatchObject({
        'node.name': name,
        'xpack.security.enabled': 'true',
        'xpack.security.http.ssl.enabled': 'true',
        'xpack.security.http.ssl.key': `certs/${name}/${name}.key`,
        'xpack.security.http.ssl.certificate': `certs/${name}/${name}.crt`,
        'xpack.security.http.ssl.certificate_authorities': 'certs/ca/ca.crt',
        'xpack.security.transport.ssl.enabled': 'true',
        'xpack.security.transport.ssl.key': `certs/${name}/${name}.key`,
        'xpack.security.transport.ssl.certificate': `certs/${name}/${name}.crt`,
        'xpack.security.transport.ssl.certificate_authorities': 'certs/ca/ca.crt',
        'bootstrap.memory_lock': 'true',
        'xpack.license.self_generated.type': 'trial',
        ...(index === 0 ? { 'bootstrap.password': REDACTED } : {}),
      });
      if (nodes === 1) {
        expect(node.settings['discovery.type']).toBe('single-node');
      } else {
        expect(node.settings['cluster.initial_master_nodes']).toBe(es.map((c) => c.component).join(','));
        expect(String(node.settings['discovery.seed_hosts']).split(',')).toHaveLength(nodes - 1);
      }
      expect(node.ulimits).toContainEqual({ name: 'memlock', soft: -1, hard: -1 });
      expect(node.memoryBytes).toBe(1024 ** 3);
      // Elastic's recipe sets ELASTIC_PASSWORD on es01 only; the other nodes start with no keystore, as the image ships none.
      expect(node.keystore).toEqual(index === 0 ? ['bootstrap.password'] : []);
      expect(node.env).not.toHaveProperty('ELASTIC_PASSWORD');
      expect(node.ports).toEqual(index === 0 ? [{ hostIp: '127.0.0.1', hostPort: 9200, containerPort: 9200 }] : []);
    }
  });

  it('labels every object with seclab.lab and binds every published port to 127.0.0.1', () => {
    const plan = displayed(7, { agents: 5 });
    expect(plan.network.labels[LAB_LABEL]).toBe('default');
    expect(plan.volumes.every((v) => v.labels[LAB_LABEL] === 'default')).toBe(true);
    expect(plan.containers).toHaveLength(7 + 1 + 1 + 5);
    expect(plan.containers.every((c) => c.labels[LAB_LABEL] === 'default')).toBe(true);
    expect(plan.containers.flatMap((c) => c.ports).every((p) => p.hostIp === '127.0.0.1')).toBe(true);
    expect(new Set(plan.containers.map((c) => c.ip)).size).toBe(plan.containers.length);
  });

  it('plans Kibana over HTTPS with the keystore, and Fleet verifying the CA', () => {
    const plan = displayed(3);
    const kibana = plan.containers.find((c) => c.kind === 'kibana')!;
    expect(kibana.env).toMatchObject({
      SERVER_SSL_ENABLED: 'true',
      // kibana-docker passes env as flags; Kibana takes an array from a flag only as JSON.
      SERVER_SSL_SUPPORTEDPROTOCOLS: '["TLSv1.2","TLSv1.3"]',
      ELASTICSEARCH_HOSTS: '["https://es01:9200","https://es02:9200","https://es03:9200"]',
      ELASTICSEARCH_USERNAME: 'kibana_system',
      ELASTICSEARCH_SSL_VERIFICATIONMODE: 'full',
      XPACK_SECURITY_SESSION_IDLETIMEOUT: '1h',
      XPACK_SECURITY_SESSION_LIFESPAN: '8h',
    });
    expect(kibana.keystore).toEqual(['elasticsearch.password', 'xpack.security.encryptionKey', 'xpack.encryptedSavedObjects.encryptionKey', 'xpack.reporting.encryptionKey']);
    expect(Object.keys(kibana.env).some((k) => /PASSWORD|ENCRYPTIONKEY/.test(k))).toBe(false);
    const fleet = plan.containers.find((c) => c.kind === 'fleet-server')!;
    // FLEET_URL is required with a custom Fleet Server certificate (enroll_cmd.go prepareFleetTLS).
    expect(fleet.env).toMatchObject({ FLEET_SERVER_ELASTICSEARCH_CA: '/usr/share/elastic-agent/certs/ca/ca.crt', FLEET_URL: 'https://fleet-server:8220' });
    expect(fleet.env).not.toHaveProperty('FLEET_SERVER_SERVICE_TOKEN');
    const agent = plan.containers.find((c) => c.kind === 'agent')!;
    expect(agent.env).toMatchObject({ FLEET_CA: '/usr/share/elastic-agent/certs/ca/ca.crt', FLEET_ENROLLMENT_TOKEN: REDACTED });
    expect(agent.env).not.toHaveProperty('FLEET_INSECURE');
  });

  it('uses the emulated images in emulated mode and changes nothing else', () => {
    const official = displayed(3);
    const emulated = displayed(3, { images: 'emulated' });
    expect(emulated.containers.map((c) => c.image)).toEqual([
      ...Array(3).fill(`seclab-emulator/elasticsearch:${DEFAULT_STACK_VERSION}`),
      `seclab-emulator/kibana:${DEFAULT_STACK_VERSION}`,
      `seclab-emulator/elastic-agent:${DEFAULT_STACK_VERSION}`,
      `seclab-emulator/elastic-agent:${DEFAULT_STACK_VERSION}`,
    ]);
    const strip = (p: typeof official) => p.containers.map(({ image: _image, labels: { 'seclab.images': _images, ...labels }, ...rest }) => ({ ...rest, labels }));
    expect(emulated.containers.every((c) => c.labels['seclab.images'] === 'emulated')).toBe(true);
    expect(strip(emulated)).toEqual(strip(official));
  });

  it('keeps cluster.initial_master_nodes out of env, in elasticsearch.yml only until the cluster has formed', () => {
    const plan = planLab(parseLabSpec({}), allocation);
    for (const node of plan.containers.filter((c) => c.kind === 'elasticsearch')) {
      expect(node.env).not.toHaveProperty('cluster.initial_master_nodes');
      const yml = node.files.find((f) => f.path.endsWith('/config/elasticsearch.yml'))!;
      expect(yml.from).toEqual({ text: 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\ncluster.initial_master_nodes: ["es01", "es02", "es03"]\n' });
      expect(node.filesOnceFormed).toEqual([{ path: yml.path, from: { text: 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n' }, mode: 0o664 }]);
    }
    const single = planLab(parseLabSpec({ elasticsearch: { nodes: 1 } }), allocation).containers[0];
    expect(single.files.some((f) => f.path.endsWith('elasticsearch.yml'))).toBe(false);
    expect(single.filesOnceFormed).toEqual([]);
  });

  it('drops every capability and gives every container a healthcheck', () => {
    const plan = planLab(parseLabSpec({}), allocation);
    for (const container of plan.containers) {
      expect(container.capDrop, container.component).toEqual(['ALL']);
      expect(container.healthcheck.test[0]).toBe('CMD-SHELL');
      expect(container.healthcheck.intervalSeconds).toBeGreaterThan(0);
    }
    expect(plan.containers.find((c) => c.kind === 'elasticsearch')!.healthcheck.test[1]).toContain('--cacert config/certs/ca/ca.crt https://localhost:9200');
    expect(plan.containers.find((c) => c.kind === 'kibana')!.healthcheck.test[1]).toContain('https://localhost:5601');
    expect(plan.containers.find((c) => c.kind === 'fleet-server')!.healthcheck.test[1]).toContain('https://localhost:8220/api/status');
  });

  it("gives the agents' volumes to uid 1000: the agent image has no state/ folder for a fresh volume to copy", () => {
    const plan = planLab(parseLabSpec({}), allocation);
    for (const container of plan.containers.filter((c) => c.kind === 'agent' || c.kind === 'fleet-server')) {
      expect(container.mounts.map((m) => [m.target, m.owner])).toEqual([
        ['/usr/share/elastic-agent/certs', { uid: 1000, gid: 0, mode: 0o770 }],
        ['/usr/share/elastic-agent/state', { uid: 1000, gid: 0, mode: 0o770 }],
      ]);
    }
  });

  it('tells emulated nodes the engine caps open files, and only them', () => {
    const capped = { ...allocation, raiseFileLimit: false, fileLimitCap: 20000 };
    const emulated = planLab(parseLabSpec({ images: 'emulated' }), capped).containers[0];
    expect(emulated.env.SECLAB_EMULATOR_ENGINE_NOFILE_CAP).toBe('20000');
    expect(emulated.ulimits.some((u) => u.name === 'nofile')).toBe(false);
    expect(planLab(parseLabSpec({}), capped).containers[0].env).not.toHaveProperty('SECLAB_EMULATOR_ENGINE_NOFILE_CAP');
    expect(planLab(parseLabSpec({ images: 'emulated' }), allocation).containers[0].env).not.toHaveProperty('SECLAB_EMULATOR_ENGINE_NOFILE_CAP');
  });

  it('holds no secret value: only references, shown as <redacted>', () => {
    const text = JSON.stringify(displayed(7, { agents: 5 }));
    expect(text).toContain(REDACTED);
    expect(text).not.toMatch(/"secret":/);
  });
});
