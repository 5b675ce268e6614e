import { layerOf, type CheckId, type CheckResult, type CheckStatus } from '../../../common/checks.ts';
import { LAYERS } from '../../../common/checks.ts';
import type { LabSpec } from '../../../common/lab-spec.ts';
import { elasticsearchNodeNames } from '../../../common/lab-spec.ts';

/** Plausible results for every check id, so the UI can be built and tested before the real verifier answers. */

interface FakeCheck {
  title: string;
  why: string;
  fix: string;
  evidence: (spec: LabSpec) => string[];
  applies?: (spec: LabSpec) => boolean;
  statusFor?: (spec: LabSpec) => CheckStatus;
}

const nodes = (spec: LabSpec) => elasticsearchNodeNames(spec);

const CATALOG: Record<CheckId, FakeCheck> = {
  'network.loopback-only': {
    title: 'Published ports bind 127.0.0.1 only',
    why: 'A port published on every interface lets anyone on the network knock on the cluster.',
    fix: 'Publish ports as 127.0.0.1:PORT:PORT (the lab does this; recreate the container).',
    evidence: (spec) => [`docker inspect ${nodes(spec)[0]}: 9200/tcp → 127.0.0.1:9200`, 'no binding on 0.0.0.0 or ::'],
  },
  'network.dedicated': {
    title: 'Lab containers on their own bridge network',
    why: 'A dedicated network keeps lab traffic away from other containers on this machine.',
    fix: 'Reset the lab so every container joins the lab network with a static address.',
    evidence: (spec) => [`network seclab-${spec.name}: subnet 172.28.0.0/24`, ...nodes(spec).map((n, i) => `${n}: 172.28.0.${10 + i}`)],
  },
  'network.ip-filter': {
    title: 'IP filtering refuses outsiders',
    why: 'IP filtering drops connections from addresses outside the allow list before any login.',
    fix: 'Set xpack.security.transport.filter.allow to the lab subnet (needs a trial or paid licence).',
    evidence: () => ['connect from 172.28.0.250 (outside allow list) → connection closed', 'connect from 172.28.0.10 → TLS handshake'],
    statusFor: (spec) => (spec.license === 'basic' ? 'info' : 'pass'),
  },
  'transport.tls': {
    title: 'Transport port 9300 speaks TLS only',
    why: 'Nodes exchange all cluster data on 9300; without TLS anyone on the path reads it.',
    fix: 'Set xpack.security.transport.ssl.enabled: true with the node certificate.',
    evidence: (spec) => [`openssl s_client ${nodes(spec)[0]}:9300 → TLSv1.3, chain ends at "seclab ${spec.name} CA"`, 'plain TCP hello → connection reset'],
  },
  'transport.mutual-auth': {
    title: 'A node without a client certificate is refused',
    why: 'Mutual TLS means only holders of a lab certificate can join the cluster.',
    fix: 'Set xpack.security.transport.ssl.verification_mode: certificate and client_authentication: required.',
    evidence: () => ['TLS to es01:9300 without client certificate → alert 116 certificate_required'],
  },
  'transport.cluster-formed': {
    title: 'All nodes joined over TLS',
    why: 'A cluster that formed over mutual TLS proves every node trusts the same CA.',
    fix: 'Check each node log for "handshake failed"; reset to regenerate certificates from one CA.',
    evidence: (spec) => [`GET /_cluster/health → number_of_nodes: ${spec.elasticsearch.nodes}, status: green`],
  },
  'http.tls': {
    title: 'Port 9200 refuses plain HTTP',
    why: 'Passwords and data sent to Elasticsearch must never cross the wire in clear text.',
    fix: 'Set xpack.security.http.ssl.enabled: true.',
    evidence: () => ['http://127.0.0.1:9200 → connection closed (TLS expected)', 'https://localhost:9200 → TLSv1.3, hostname verified'],
  },
  'http.cert-valid': {
    title: 'Certificates chain to the lab CA and are not expiring',
    why: 'An expired or foreign certificate breaks every client, or trains people to click through warnings.',
    fix: 'Reset the lab to issue fresh certificates.',
    evidence: (spec) => nodes(spec).map((n) => `${n}: CN=${n}, SAN localhost, ${n}; expires in 364 days`),
  },
  'auth.required': {
    title: 'Anonymous requests get 401',
    why: 'Without authentication, anyone who reaches the port owns the data.',
    fix: 'Keep xpack.security.enabled: true and do not configure an anonymous user.',
    evidence: () => ['GET https://localhost:9200/ (no credentials) → 401, WWW-Authenticate: Basic realm="security"'],
  },
  'auth.strong-passwords': {
    title: 'Built-in users have random passwords',
    why: 'Default or short passwords are the first thing an attacker tries.',
    fix: 'Reset the built-in passwords with elasticsearch-reset-password.',
    evidence: () => ['elastic: 24 random characters', 'kibana_system: 24 random characters', '"changeme" → 401'],
  },
  'auth.least-privilege': {
    title: 'Lab users have only what they need',
    why: 'Least privilege limits what a stolen password can do.',
    fix: 'Give each person a role that grants only the indices and actions they need.',
    evidence: () => ['analyst GET lab-logs/_search → 200', 'analyst PUT lab-logs/_doc/1 → 403 action [indices:data/write/index] is unauthorized'],
  },
  'auth.service-accounts': {
    title: 'Services use service accounts, never elastic',
    why: 'A superuser password in a service config is a key to everything.',
    fix: 'Use kibana_system for Kibana and a service token for Fleet Server.',
    evidence: () => ['kib01 authenticates as kibana_system', 'fleet01 authenticates with service token elastic/fleet-server/fleet01'],
    applies: (spec) => spec.kibana,
  },
  'kibana.https': {
    title: 'Kibana serves HTTPS',
    why: 'The browser sends passwords and session cookies to Kibana.',
    fix: 'Set server.ssl.enabled: true with the Kibana certificate.',
    evidence: () => ['https://localhost:5601/api/status → 200, certificate from the lab CA', 'kibana: CN=kibana, SAN localhost, kibana; expires in 364 days'],
    applies: (spec) => spec.kibana,
  },
  'kibana.es-tls-verified': {
    title: 'Kibana verifies Elasticsearch’s certificate',
    why: 'Without verification Kibana would hand its credentials to an impostor.',
    fix: 'Set elasticsearch.ssl.certificateAuthorities and verificationMode: full.',
    evidence: () => ['elasticsearch.hosts: https://es01:9200', 'elasticsearch.ssl.verificationMode: full'],
    applies: (spec) => spec.kibana,
  },
  'kibana.encryption-keys': {
    title: 'Encryption keys set and distinct',
    why: 'The keys protect sessions, saved objects and reports at rest.',
    fix: 'Add the three xpack.*.encryptionKey entries (32+ characters) to the Kibana keystore.',
    evidence: () => ['keystore: xpack.security.encryptionKey (32+ chars)', 'xpack.encryptedSavedObjects.encryptionKey (32+ chars)', 'xpack.reporting.encryptionKey (32+ chars), all distinct'],
    applies: (spec) => spec.kibana,
  },
  'kibana.session': {
    title: 'Sessions expire; cookie is Secure and HttpOnly',
    why: 'A session that never ends is a password that never expires.',
    fix: 'Set xpack.security.session.idleTimeout and lifespan.',
    evidence: () => ['POST /internal/security/login → Set-Cookie sid=…; Secure; HttpOnly; SameSite=Lax', 'idleTimeout 1h, lifespan 8h'],
    applies: (spec) => spec.kibana,
  },
  'secrets.keystore': {
    title: 'Secrets live in keystores',
    why: 'Environment variables and YAML files leak into logs, backups and screenshots.',
    fix: 'Move passwords into elasticsearch-keystore / kibana-keystore.',
    evidence: () => ['docker inspect: no password in Env', 'kibana.yml: no secret values', 'logs: no secret values'],
  },
  'secrets.host-files': {
    title: 'Lab folder and keys are private on the host',
    why: 'Private keys readable by other users can be copied to impersonate the cluster.',
    fix: 'chmod 700 the lab folder and 600 every private key.',
    evidence: (spec) => [`~/.seclab/labs/${spec.name}: drwx------`, 'certs/*.key: -rw-------'],
  },
  'runtime.non-root': {
    title: 'No container runs as root',
    why: 'A process running as root turns a bug into a host compromise.',
    fix: 'Run the images as uid 1000 (Elastic’s default).',
    evidence: (spec) => nodes(spec).map((n) => `${n}: uid 1000`),
  },
  'runtime.limits': {
    title: 'Every container has a memory limit',
    why: 'One runaway container should not take the machine down with it.',
    fix: 'Set a memory limit on every container.',
    evidence: (spec) => nodes(spec).map((n) => `${n}: ${spec.elasticsearch.memory}`),
  },
  'fleet.server-tls': {
    title: 'Fleet Server serves HTTPS on 8220',
    why: 'Agents receive policies and send data through Fleet Server.',
    fix: 'Give Fleet Server the lab certificate (--fleet-server-cert).',
    evidence: () => ['https://localhost:8220/api/status → 200 HEALTHY, certificate CN=fleet01'],
    applies: (spec) => spec.fleetServer,
  },
  'fleet.agent-enrolled': {
    title: 'Agents enrolled over verified TLS',
    why: 'An agent enrolled with --insecure would trust any server.',
    fix: 'Enroll with --certificate-authorities pointing at the lab CA, never --insecure.',
    evidence: (spec) => Array.from({ length: spec.agents }, (_, i) => `agent0${i + 1}: online, enrolled with CA verification`),
    applies: (spec) => spec.agents > 0,
  },
  'audit.logging': {
    title: 'Security audit events are written',
    why: 'Without an audit trail nobody can tell who tried what.',
    fix: 'Set xpack.security.audit.enabled: true (trial or paid licence).',
    evidence: () => ['authentication_failed for user "nobody" written to es01 audit log'],
    statusFor: (spec) => (spec.license === 'basic' ? 'info' : 'pass'),
  },
  'cloud.private-link': {
    title: 'Private link (Elastic Cloud only)',
    why: 'In Elastic Cloud, private link keeps traffic off the public internet; a local lab has no public endpoint.',
    fix: 'Nothing to do locally.',
    evidence: () => ['not applicable to a local lab'],
    statusFor: () => 'info',
  },
  'cloud.byok': {
    title: 'Bring your own key (Elastic Cloud only)',
    why: 'In Elastic Cloud, your own encryption key lets you revoke access to data at rest.',
    fix: 'Nothing to do locally.',
    evidence: () => ['not applicable to a local lab'],
    statusFor: () => 'info',
  },
};

export function fakeCheckResults(spec: LabSpec, at: string, overrides: Partial<Record<CheckId, CheckStatus>> = {}): CheckResult[] {
  return (Object.keys(CATALOG) as CheckId[])
    .filter((id) => CATALOG[id].applies?.(spec) ?? true)
    .map((id, index) => {
      const check = CATALOG[id];
      const layer = layerOf(id);
      const section = LAYERS.find((entry) => entry.id === layer)?.seedSection ?? '';
      return {
        id,
        layer,
        title: check.title,
        status: overrides[id] ?? check.statusFor?.(spec) ?? 'pass',
        evidence: check.evidence(spec),
        fix: check.fix,
        docs: { section, why: check.why },
        checkedAt: at,
        durationMs: 40 + ((index * 37) % 200),
      };
    });
}
