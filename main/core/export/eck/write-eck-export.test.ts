import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { parseLabSpec } from '../../../../common/lab-spec.ts';
import { generateLabSecrets, secretForms, type LabSecrets } from '../../lab-store/lab-secrets.ts';
import { certificateRequestsFor, planLab } from '../../planner/plan-lab.ts';
import { issueLabCertificates } from '../../pki/lab-pki.ts';
import type { ExportResult } from '../export-types.ts';
import { ECK_SCHEMAS } from './eck-schemas.ts';
import { ECK_VERSION } from './eck-names.ts';
import { ECK_FILES, writeEckExport } from './write-eck-export.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, read field by field
type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any; stringData?: Record<string, string>; data?: Record<string, string> };

const CORE_KINDS: Record<string, new (data: never) => { validate(): void }> = { Namespace, Secret, ConfigMap, NetworkPolicy };
const allocation = { subnetIndex: 3, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } };
const now = new Date('2026-11-30T12:00:00Z');

/** Fixed bytes that still differ call by call, so every secret is its own. */
function fixedRandomBytes() {
  let counter = 0;
  return (size: number) => {
    const out = Buffer.alloc(size);
    for (let offset = 0; offset < size; offset += 32) createHash('sha256').update(`seclab-eck-${counter++}`).digest().copy(out, offset);
    return out;
  };
}

interface Exported {
  result: ExportResult;
  docs: Array<{ file: string; doc: Doc }>;
  secrets: LabSecrets;
  certsDir: string;
  outDir: string;
}

const roots: string[] = [];

/** A lab of this shape, planned, given secrets and a real PKI, then exported for ECK into a temp folder. */
async function exportForEck(specInput: object): Promise<Exported> {
  const root = mkdtempSync(join(tmpdir(), 'seclab-eck-'));
  roots.push(root);
  const outDir = join(root, 'out');
  const certsDir = join(root, 'certs');
  const spec = parseLabSpec(specInput);
  const plan = planLab(spec, allocation);
  // Tokens Fleet makes at run time are lab secrets too: none may reach the export.
  const secrets: LabSecrets = {
    ...generateLabSecrets(fixedRandomBytes()),
    'fleet-server-service-token': 'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL2xhYjpzZWNyZXRWYWx1ZU9mVGhlVG9rZW4',
    'agent-enrollment-token': Buffer.from('enrollkeyid:enrollsecretvalue123').toString('base64'),
  };
  await issueLabCertificates({ outDir: certsDir, components: certificateRequestsFor(spec, allocation.subnetIndex), now });
  const result = await writeEckExport({ spec, plan, secrets, certsDir, outDir }, { now });
  const docs = Object.values(ECK_FILES)
    .filter((file) => result.files.some((f) => f.path === file))
    .flatMap((file) => parseAllDocuments(readFileSync(join(outDir, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Doc })));
  return { result, docs, secrets, certsDir, outDir };
}

let lab: Exported;
let result: ExportResult;
let docs: Exported['docs'];
let secrets: LabSecrets;
let certsDir: string;
let outDir: string;

const docsOf = (kind: string, from = docs) => from.filter((d) => d.doc.kind === kind).map((d) => d.doc);
const readOut = (path: string) => readFileSync(join(outDir, path), 'utf8');

beforeAll(async () => {
  lab = await exportForEck({});
  ({ result, docs, secrets, certsDir, outDir } = lab);
}, 120_000);

afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Every core kind through kubernetes-models, every ECK kind through the ECK model. */
function expectValidManifests(exported: Exported): void {
  for (const { doc } of exported.docs) {
    if (doc.kind in CORE_KINDS) expect(() => new CORE_KINDS[doc.kind](doc as never).validate(), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
    else expect(ECK_SCHEMAS[doc.kind]?.safeParse(doc).error, `${doc.kind} ${doc.metadata.name}`).toBeUndefined();
    for (const template of podTemplatesOf(doc)) expect(() => new PodTemplateSpec(template as never).validate()).not.toThrow();
  }
}

/** No lab secret, in any form it travels in, and no line of any private key, outside a Secret or in a non-secret file. */
function expectNoSecretOutsideSecrets(exported: Exported): void {
  const keyFiles = [
    join('ca', 'ca.key'),
    ...readdirSync(exported.certsDir)
      .filter((d) => d !== 'ca')
      .map((d) => join(d, `${d}.key`)),
  ];
  const keyLines = keyFiles.flatMap((path) =>
    readFileSync(join(exported.certsDir, path), 'utf8')
      .split('\n')
      .filter((line) => line.length >= 40 && !line.startsWith('-----')),
  );
  const needles = [...secretForms(exported.secrets), ...keyLines];
  const secretsFile = readFileSync(join(exported.outDir, ECK_FILES.secrets), 'utf8');
  // The scan finds what it looks for: the Secrets file holds the CA key (and Kibana's keys where there is Kibana).
  expect(needles.filter((needle) => secretsFile.includes(needle)).length).toBeGreaterThan(3);
  const nonSecretTexts = [
    ...exported.docs.filter((d) => d.doc.kind !== 'Secret').map((d) => JSON.stringify(d.doc)),
    ...exported.result.files.filter((f) => !f.secret).map((f) => readFileSync(join(exported.outDir, f.path), 'utf8')),
  ];
  for (const text of nonSecretTexts) for (const needle of needles) expect(text.includes(needle), `a secret appears outside a Secret: ${needle.slice(0, 6)}…`).toBe(false);
  expect(exported.result.files.filter((f) => f.secret).map((f) => f.path)).toEqual([ECK_FILES.secrets]);
  for (const file of exported.result.files) expect(statSync(join(exported.outDir, file.path)).mode & 0o777, file.path).toBe(file.secret ? 0o600 : 0o644);
  expect(exported.docs.filter((d) => d.doc.kind === 'Secret').every((d) => d.file === ECK_FILES.secrets)).toBe(true);
}

function podTemplatesOf(doc: Doc): unknown[] {
  if (doc.kind === 'Elasticsearch') return doc.spec.nodeSets.map((n: { podTemplate: unknown }) => n.podTemplate);
  if (doc.kind === 'Kibana') return [doc.spec.podTemplate];
  if (doc.kind === 'Agent') return [doc.spec.deployment.podTemplate];
  return [];
}

describe('seclab export --format eck', () => {
  it('writes core kinds that pass the kubernetes-models schemas, pod templates included', () => {
    expect(new Set(docs.filter((d) => d.doc.kind in CORE_KINDS).map((d) => d.doc.kind))).toEqual(new Set(['Namespace', 'Secret', 'ConfigMap', 'NetworkPolicy']));
    expect(docs.flatMap((d) => podTemplatesOf(d.doc))).toHaveLength(4); // one nodeSet, Kibana, Fleet Server, agent01
    expect(docs.every((d) => d.doc.kind in CORE_KINDS || d.doc.kind in ECK_SCHEMAS)).toBe(true);
    expectValidManifests(lab);
  });

  it('writes ECK resources that pass the ECK 3.5 model, which refuses a missing or unknown field', () => {
    const eck = docs.filter((d) => d.doc.kind in ECK_SCHEMAS).map((d) => d.doc);
    expect(eck.map((d) => d.kind)).toEqual(['Elasticsearch', 'Kibana', 'Agent', 'Agent']);
    for (const doc of eck) expect(ECK_SCHEMAS[doc.kind].safeParse(doc).error).toBeUndefined();

    const [es] = docsOf('Elasticsearch');
    const withoutCount = structuredClone(es);
    delete withoutCount.spec.nodeSets[0].count;
    expect(ECK_SCHEMAS.Elasticsearch.safeParse(withoutCount).success).toBe(false);
    const withUnknown = structuredClone(es);
    withUnknown.spec.nodeSets[0].replicas = 3;
    expect(ECK_SCHEMAS.Elasticsearch.safeParse(withUnknown).success).toBe(false);
    const [, agent] = docsOf('Agent');
    const agentWithoutFleetServer = structuredClone(agent);
    delete agentWithoutFleetServer.spec.fleetServerRef;
    expect(ECK_SCHEMAS.Agent.safeParse(agentWithoutFleetServer).success).toBe(false);
    const [policy] = docsOf('NetworkPolicy');
    expect(() => new NetworkPolicy({ ...policy, spec: { ...policy.spec, policyTypes: ['Ingres'] } } as never).validate()).toThrow();
  });

  it('puts no secret value or private key outside the Secrets file', () => {
    expectNoSecretOutsideSecrets(lab);
  });

  it('gives three nodes, the lab CA on HTTP and transport, file-realm users and Kibana keys from the lab', () => {
    const [es] = docsOf('Elasticsearch');
    const secretsByName = Object.fromEntries(docsOf('Secret').map((s) => [s.metadata.name, s.stringData!]));
    const caPem = readFileSync(join(certsDir, 'ca', 'ca.crt'), 'utf8');
    expect(es.spec.version).toBe('9.5.2');
    expect(es.spec.nodeSets).toHaveLength(1);
    expect(es.spec.nodeSets[0].count).toBe(3);
    const httpSecret = secretsByName[es.spec.http.tls.certificate.secretName];
    expect(httpSecret['ca.crt']).toBe(caPem);
    const httpCertificate = new X509Certificate(httpSecret['tls.crt']);
    expect(httpCertificate.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    expect(httpCertificate.subjectAltName).toContain('DNS:elasticsearch-es-http.seclab-default.svc');
    expect(secretsByName[es.spec.transport.tls.certificate.secretName]).toEqual({ 'ca.crt': caPem, 'ca.key': readFileSync(join(certsDir, 'ca', 'ca.key'), 'utf8') });
    expect(docsOf('ConfigMap').find((c) => c.metadata.name === es.spec.transport.tls.certificateAuthorities.configMapName)?.data).toEqual({ 'ca.crt': caPem });

    const config = es.spec.nodeSets[0].config;
    expect(config).toMatchObject({ 'xpack.security.audit.enabled': true, 'xpack.license.self_generated.type': 'trial', 'xpack.security.transport.ssl.client_authentication': 'required' });
    for (const managed of [
      'node.name',
      'cluster.name',
      'network.host',
      'discovery.seed_hosts',
      'xpack.security.enabled',
      'xpack.security.http.ssl.key',
      'xpack.security.http.filter.allow',
      'bootstrap.password',
      'cluster.initial_master_nodes',
    ])
      expect(config).not.toHaveProperty([managed]);
    const esContainer = es.spec.nodeSets[0].podTemplate.spec.containers[0];
    expect(esContainer).toMatchObject({
      name: 'elasticsearch',
      env: [{ name: 'ES_JAVA_OPTS', value: '-Xms512m -Xmx512m' }],
      resources: { limits: { memory: '1Gi' }, requests: { memory: '1Gi' } },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    expect(es.spec.nodeSets[0].podTemplate.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 0 });

    const fileRealm = secretsByName[es.spec.auth.fileRealm[0].secretName];
    for (const [username, secret] of [
      ['analyst', 'analyst-password'],
      ['writer', 'writer-password'],
      ['lab_admin', 'lab-admin-password'],
    ] as const) {
      const hash = fileRealm.users
        .split('\n')
        .find((line) => line.startsWith(`${username}:`))!
        .slice(username.length + 1);
      expect(hash).toMatch(/^\$2a\$10\$/);
      expect(bcrypt.compareSync(secrets[secret]!, hash)).toBe(true);
    }
    expect(fileRealm.users_roles.split('\n')).toEqual(expect.arrayContaining(['lab_analyst:analyst', 'lab_writer:writer', 'superuser:lab_admin']));
    expect(parse(secretsByName[es.spec.auth.roles[0].secretName]['roles.yml'])).toEqual({
      lab_analyst: { cluster: [], indices: [{ names: ['lab-*'], privileges: ['read', 'view_index_metadata'] }], description: 'reads lab-* indices, nothing else' },
      lab_writer: { cluster: [], indices: [{ names: ['lab-logs-*'], privileges: ['create_doc', 'create_index', 'read'] }], description: 'writes new documents to lab-logs-*, reads them back' },
    });
    expect(es.spec.auth.disableElasticUser).toBe(true);

    const [kibana] = docsOf('Kibana');
    expect(kibana.spec.elasticsearchRef).toEqual({ name: 'elasticsearch' });
    expect(secretsByName[kibana.spec.secureSettings[0].secretName]).toEqual({
      'xpack.security.encryptionKey': secrets['kibana-security-encryption-key'],
      'xpack.encryptedSavedObjects.encryptionKey': secrets['kibana-saved-objects-encryption-key'],
      'xpack.reporting.encryptionKey': secrets['kibana-reporting-encryption-key'],
    });
    expect(kibana.spec.config['xpack.fleet.agentPolicies'].map((p: { id: string }) => p.id)).toEqual(['fleet-server-policy', 'lab-agent-policy']);
    const [fleetServer, agent] = docsOf('Agent');
    expect(fleetServer.spec).toMatchObject({ mode: 'fleet', fleetServerEnabled: true, policyID: 'fleet-server-policy', kibanaRef: { name: 'kibana' }, elasticsearchRefs: [{ name: 'elasticsearch' }] });
    expect(agent.spec).toMatchObject({ mode: 'fleet', policyID: 'lab-agent-policy', fleetServerRef: { name: 'fleet-server' } });
  });

  it('lets only the lab in: NetworkPolicies by ECK pod labels, and no Service exposed', () => {
    const policies = Object.fromEntries(docsOf('NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    expect(policies['default-deny-ingress']).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [] });
    const esPods = { matchLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': 'elasticsearch' } };
    expect(policies['elasticsearch-transport']).toEqual({ podSelector: esPods, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: esPods }], ports: [{ protocol: 'TCP', port: 9300 }] }] });
    const httpFrom = policies['elasticsearch-http'].ingress[0].from;
    expect(httpFrom).toContainEqual({ podSelector: { matchLabels: { 'kibana.k8s.elastic.co/name': 'kibana' } } });
    expect(httpFrom).toContainEqual({ podSelector: { matchExpressions: [{ key: 'agent.k8s.elastic.co/name', operator: 'In', values: ['fleet-server', 'agent01'] }] } });
    expect(policies['kibana-http'].ingress[0].from).toHaveLength(1); // the operator alone
    expect(policies['fleet-server-http'].ingress[0].from).toEqual([{ podSelector: { matchExpressions: [{ key: 'agent.k8s.elastic.co/name', operator: 'In', values: ['fleet-server', 'agent01'] }] } }]);
    // Every rule names its peers: an empty `from` would admit everyone.
    for (const spec of Object.values(policies)) for (const rule of spec.ingress) expect(rule.from.length).toBeGreaterThan(0);
    expect(docsOf('Service')).toEqual([]);
  });

  it('says which ECK it targets and the apply order, operator first', () => {
    const readme = readOut('README.md');
    expect(ECK_VERSION).toBe('3.5.0');
    expect(readme).toContain('**ECK 3.5.0**');
    expect(readme).toContain('port-forward --address 127.0.0.1');
    expect(readme).toContain('How this was checked');
    const steps = result.nextSteps;
    const indexOf = (fragment: string) => steps.findIndex((s) => s.includes(fragment));
    expect(indexOf('eck/3.5.0/crds.yaml')).toBe(0);
    expect(indexOf('eck/3.5.0/operator.yaml')).toBe(1);
    const order = [ECK_FILES.namespace, ECK_FILES.secrets, ECK_FILES.configMaps, ECK_FILES.networkPolicies, ECK_FILES.elasticsearch, ECK_FILES.kibana, ECK_FILES.fleet].map(indexOf);
    expect(order.every((index, i) => index > 1 && (i === 0 || index > order[i - 1]))).toBe(true);
    for (const step of steps) expect(readme).toContain(step.split(`${outDir}/`).join('./'));
    expect(readme).not.toContain(outDir);
    // Plain YAML, no anchors or aliases, for any tool that reads it.
    for (const file of result.files.filter((f) => f.path.endsWith('.yaml'))) expect(readOut(file.path), file.path).not.toMatch(/(^|\s)[&*]a\d+(\s|$)/m);
  });

  it.each([
    ['one node, no Kibana, no Fleet', { elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0 }, { nodes: 1, agents: [] as string[] }],
    ['Kibana without Fleet', { fleetServer: false, agents: 0 }, { nodes: 3, agents: [] }],
    ['Fleet Server without agents', { agents: 0 }, { nodes: 3, agents: ['fleet-server'] }],
    ['two agents, five nodes', { elasticsearch: { nodes: 5 }, agents: 2 }, { nodes: 5, agents: ['fleet-server', 'agent01', 'agent02'] }],
  ])(
    'exports a lab with %s: valid, no secret outside a Secret, no open door',
    async (_name, spec, expected) => {
      const exported = await exportForEck(spec);
      expectValidManifests(exported);
      expectNoSecretOutsideSecrets(exported);
      const [es] = docsOf('Elasticsearch', exported.docs);
      expect(es.spec.nodeSets[0].count).toBe(expected.nodes);
      expect(es.spec.nodeSets[0].config).not.toHaveProperty(['discovery.type']);
      expect(docsOf('Agent', exported.docs).map((a) => a.metadata.name)).toEqual(expected.agents);
      const hasKibana = (spec as { kibana?: boolean }).kibana !== false;
      expect(docsOf('Kibana', exported.docs)).toHaveLength(hasKibana ? 1 : 0);
      // Every Secret a resource names is in the export, and every rule names its peers.
      const secretNames = new Set(docsOf('Secret', exported.docs).map((s) => s.metadata.name));
      const named = JSON.stringify(exported.docs.map((d) => d.doc.spec ?? {})).match(/"secretName":"[^"]+"/g) ?? [];
      for (const reference of named) expect(secretNames.has(reference.slice('"secretName":"'.length, -1)), reference).toBe(true);
      for (const policy of docsOf('NetworkPolicy', exported.docs)) for (const rule of policy.spec.ingress) expect(rule.from.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
