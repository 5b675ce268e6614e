import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import bcrypt from 'bcryptjs';
import { stringify } from 'yaml';
import type { LabPlan } from '../../../../common/lab-plan.ts';
import { SeclabError } from '../../../../common/errors.ts';
import { requireSecret, type LabSecrets } from '../../lab-store/lab-secrets.ts';
import { issueLabCertificates } from '../../pki/lab-pki.ts';
import { roleBody } from '../../stack/elasticsearch-setup.ts';
import type { ExportedFile, ExportInput, ExportResult } from '../export-types.ts';
import { ECK_INSTALL, ECK_VERSION, eckNames, type EckNames } from './eck-names.ts';
import {
  agentManifests,
  caConfigMap,
  elasticsearchManifest,
  kibanaManifest,
  mappedSettingsOf,
  namespaceManifest,
  networkPolicies,
  secretManifests,
  type EckPki,
  type EckSecretValues,
  type Manifest,
} from './eck-resources.ts';
import { ECK_SCHEMAS } from './eck-schemas.ts';
import { eckReadme } from './eck-readme.ts';

export interface EckExportOptions {
  now?: Date;
}

/** The export's files, in the order they are applied. */
export const ECK_FILES = {
  namespace: '00-namespace.yaml',
  secrets: '10-secrets.yaml',
  configMaps: '20-lab-ca.yaml',
  networkPolicies: '30-network-policies.yaml',
  elasticsearch: '40-elasticsearch.yaml',
  kibana: '50-kibana.yaml',
  fleet: '60-fleet.yaml',
};

/** Elasticsearch's bcrypt cost by default (xpack.security.authc.password_hashing.algorithm: bcrypt = bcrypt10). */
const BCRYPT_COST = 10;

type HttpEndpoint = keyof EckPki['http'];

/**
 * ECK's HTTP Services are <name>-es-http, <name>-kb-http and <name>-agent-http in the lab's
 * namespace: the lab's own certificates name the Docker hosts (es01, kibana), so the lab CA issues
 * one more certificate per endpoint the plan has, for those Services and for localhost (port-forward).
 * Fleet Server and the agents verify host names; ECK's operator verifies the chain only
 * (pkg/controller/common/http/http_client.go, VerifyCertificateExceptServerName).
 */
function httpCertificateRequests(plan: LabPlan, names: EckNames) {
  const request = (name: string, service: string) => ({
    name,
    dnsNames: [service, `${service}.${names.namespace}`, names.svc(service), `${names.svc(service)}.cluster.local`, 'localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const has = (kind: string) => plan.containers.some((c) => c.kind === kind);
  return {
    elasticsearch: request('eck-elasticsearch-http', names.services.elasticsearch),
    ...(has('kibana') ? { kibana: request('eck-kibana-http', names.services.kibana) } : {}),
    ...(has('fleet-server') ? { fleetServer: request('eck-fleet-server-http', names.services.fleetServer) } : {}),
  } as Partial<Record<HttpEndpoint, { name: string; dnsNames: string[]; ipAddresses: string[] }>>;
}

async function eckPki(plan: LabPlan, certsDir: string, names: EckNames, now: Date): Promise<EckPki> {
  const read = (...path: string[]) => readFileSync(join(certsDir, ...path), 'utf8');
  const caPem = read('ca', 'ca.crt');
  const requests = httpCertificateRequests(plan, names);
  // renewWithinDays 0: the lab's CA (renewed by the export's caller) is reused as long as it is valid at all.
  const issued = await issueLabCertificates({ outDir: certsDir, components: Object.values(requests), now, renewWithinDays: 0 });
  if (issued.caOutcome === 'issued' || read('ca', 'ca.crt') !== caPem) {
    throw new SeclabError('EXPORT_CA_CHANGED', `the lab's CA in ${certsDir} was not usable, so a new one was issued: run \`seclab certs\` or \`seclab up\` so every certificate comes from it, then export again`);
  }
  const http = Object.fromEntries(Object.entries(requests).map(([endpoint, request]) => [endpoint, { certificatePem: read(request.name, `${request.name}.crt`), keyPem: read(request.name, `${request.name}.key`) }]));
  return { caPem, caKeyPem: read('ca', 'ca.key'), caFingerprintSha256: issued.caFingerprintSha256, http };
}

/**
 * The file realm's `users` and `users_roles` (ECK's keys: pkg/controller/elasticsearch/user/filerealm/realm.go) and
 * `roles.yml` (pkg/controller/elasticsearch/user/roles.go). Hashes in the `$2a$` form Elasticsearch recognises as
 * bcrypt (x-pack/plugin/core/.../authc/support/Hasher.java, BCRYPT_PREFIX); bcryptjs writes `$2b$`, the same hash.
 */
function secretValues(plan: LabPlan, secrets: LabSecrets, kibanaSecureSettings: Array<{ setting: string; secret: Parameters<typeof requireSecret>[1] }>): EckSecretValues {
  const users = plan.users.map((user) => `${user.username}:${bcrypt.hashSync(requireSecret(secrets, user.secret), BCRYPT_COST).replace(/^\$2b\$/, '$2a$')}`);
  const roleNames = [...new Set(plan.users.flatMap((user) => user.roles))];
  const usersRoles = roleNames.map(
    (role) =>
      `${role}:${plan.users
        .filter((user) => user.roles.includes(role))
        .map((user) => user.username)
        .join(',')}`,
  );
  const roles = Object.fromEntries(plan.roles.map((role) => [role.name, roleBody(role)]));
  return {
    users: `${users.join('\n')}\n`,
    usersRoles: `${usersRoles.join('\n')}\n`,
    rolesYml: stringify(roles, { lineWidth: 0, aliasDuplicateObjects: false }),
    kibanaSecureSettings: Object.fromEntries(kibanaSecureSettings.map(({ setting, secret }) => [setting, requireSecret(secrets, secret)])),
  };
}

/** Refuses a generated ECK resource that ECK 3.5's API would not take as this export means it (eck-schemas.ts). */
function checkEckResource(manifest: Manifest): Manifest {
  const schema = ECK_SCHEMAS[manifest.kind];
  const result = schema?.safeParse(manifest);
  if (result && !result.success) throw new Error(`the ECK export made an invalid ${manifest.kind} "${manifest.metadata.name}": ${result.error.message}`);
  return manifest;
}

// No anchors: the yaml package would otherwise alias an object the manifests repeat (a pod selector used twice).
export const yamlDocuments = (manifests: Manifest[]) => manifests.map((manifest) => stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');

/**
 * Writes the lab as manifests for Elastic Cloud on Kubernetes into input.outDir: a namespace, the
 * secrets (0600), the lab CA, NetworkPolicies, and the Elasticsearch, Kibana and Agent resources,
 * plus a README. Every value comes from the plan, its secrets and its PKI.
 */
export async function writeEckExport(input: ExportInput, options: EckExportOptions = {}): Promise<ExportResult> {
  const { plan, secrets, certsDir, outDir } = input;
  const names = eckNames(plan);
  const settings = mappedSettingsOf(plan);
  const pki = await eckPki(plan, certsDir, names, options.now ?? new Date());
  const values = secretValues(plan, secrets, settings.kibana?.secureSettings ?? []);

  const files: ExportedFile[] = [];
  const write = (path: string, content: string, purpose: string, secret = false) => {
    const mode = secret ? 0o600 : 0o644;
    const absolute = join(outDir, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content, { mode });
    chmodSync(absolute, mode);
    files.push({ path, mode, purpose, secret });
  };
  const manifests = (path: string, documents: Manifest[], purpose: string, secret = false) => {
    if (documents.length) write(path, `# Lab "${plan.lab}", exported by seclab for ECK. See README.md.\n${yamlDocuments(documents.map(checkEckResource))}`, purpose, secret);
  };

  manifests(ECK_FILES.namespace, [namespaceManifest(plan, names)], `the lab's namespace, ${names.namespace}`);
  manifests(ECK_FILES.secrets, secretManifests(plan, names, pki, values), 'HTTP certificates and the CA key, file-realm users (bcrypt) and roles, Kibana encryption keys', true);
  manifests(ECK_FILES.configMaps, [caConfigMap(plan, names, pki.caPem)], 'the lab CA certificate, trusted on the transport layer');
  manifests(ECK_FILES.networkPolicies, networkPolicies(plan, names), "who may connect to which port: the lab's IP filtering, the Kubernetes way");
  manifests(ECK_FILES.elasticsearch, [elasticsearchManifest(plan, names, settings.elasticsearch)], `Elasticsearch, ${plan.containers.filter((c) => c.kind === 'elasticsearch').length} nodes`);
  if (settings.kibana) manifests(ECK_FILES.kibana, [kibanaManifest(plan, names, settings.kibana, pki.caFingerprintSha256)], 'Kibana, with Fleet preconfigured');
  manifests(ECK_FILES.fleet, agentManifests(plan, names), 'Fleet Server and the agents, in Fleet mode');

  const applied = files.map((file) => `kubectl apply -f ${join(outDir, file.path)}`);
  const nextSteps = [
    `kubectl create -f ${ECK_INSTALL.crds}   # ECK ${ECK_VERSION} CRDs, once per cluster`,
    `kubectl apply -f ${ECK_INSTALL.operator}   # the ECK operator, in elastic-system`,
    ...applied,
    `kubectl -n ${names.namespace} port-forward --address 127.0.0.1 service/${names.services.elasticsearch} ${new URL(plan.endpoints.elasticsearch).port || 9200}:9200`,
    ...(plan.endpoints.kibana ? [`kubectl -n ${names.namespace} port-forward --address 127.0.0.1 service/${names.services.kibana} ${new URL(plan.endpoints.kibana).port || 5601}:5601`] : []),
  ];
  // The README is read wherever the folder ends up (the CLI writes it elsewhere and renames it): paths relative to it.
  const readmeSteps = nextSteps.map((step) => step.split(`${outDir}/`).join('./'));
  write('README.md', eckReadme(input, names, settings, files, readmeSteps), 'this guide');
  return { format: 'eck', outDir, files, nextSteps };
}
