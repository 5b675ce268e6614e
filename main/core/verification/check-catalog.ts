import type { CheckId } from '../../../common/checks.ts';

export interface CheckMetadata {
  title: string;
  section: string;
  why: string;
  fix: string;
}

/** Titles, the seed's "why" in one sentence, and the fix a person can act on. */
export const CHECK_CATALOG: Record<CheckId, CheckMetadata> = {
  'network.loopback-only': {
    title: 'Published ports bind 127.0.0.1 only',
    section: 'Network access',
    why: 'A port published on every interface lets anyone on your network talk to the cluster.',
    fix: 'Publish ports on 127.0.0.1 only (seclab does this; recreate the container with `seclab reset`).',
  },
  'network.dedicated': {
    title: "Lab containers sit on the lab's own network with static IPs",
    section: 'Network access',
    why: 'A dedicated network with fixed addresses keeps the lab apart and makes firewall and IP-filter rules predictable.',
    fix: 'Attach the containers only to the lab network with their static addresses (`seclab reset`).',
  },
  'network.ip-filter': {
    title: 'IP filtering refuses addresses outside the allow list',
    section: 'Network access',
    why: 'IP traffic filtering restricts access to known addresses, a layer below users and passwords.',
    fix: 'Set xpack.security.http.filter.allow/deny (and transport) on every node; it needs a trial or paid licence.',
  },
  'transport.tls': {
    title: 'Transport (9300) speaks TLS only, chained to the lab CA',
    section: 'Cluster communication',
    why: 'Nodes exchange all data and cluster state on 9300; without TLS anyone on the network can read or inject it.',
    fix: 'Set xpack.security.transport.ssl.enabled: true with the node key, certificate and the lab CA.',
  },
  'transport.mutual-auth': {
    title: 'Transport refuses clients without a certificate (mutual TLS)',
    section: 'Cluster communication',
    why: 'With mutual TLS only holders of a certificate from the lab CA can join or talk to the cluster as a node.',
    fix: 'Keep xpack.security.transport.ssl.client_authentication at required (its default).',
  },
  'transport.cluster-formed': {
    title: 'All nodes joined the cluster over TLS',
    section: 'Cluster communication',
    why: 'A node that cannot complete the TLS handshake never joins: a formed cluster proves the certificates work together.',
    fix: 'Give every node a certificate from the same lab CA (`seclab reset` issues a fresh set).',
  },
  'http.tls': {
    title: 'HTTP (9200) is HTTPS only, TLS 1.2+, hostnames verify',
    section: 'Cluster communication',
    why: 'Passwords and data travel on 9200; plain HTTP exposes both to anyone who can listen.',
    fix: 'Set xpack.security.http.ssl.enabled: true with a certificate whose SANs carry the node name and localhost.',
  },
  'http.cert-valid': {
    title: 'HTTP certificates chain to the lab CA and are not about to expire',
    section: 'Cluster communication',
    why: 'Clients verify the chain and dates; an expired or foreign certificate breaks every client, or trains people to skip verification.',
    fix: 'Issue certificates from the lab CA with time to spare (`seclab reset` issues new ones).',
  },
  'auth.required': {
    title: 'Anonymous requests are refused (401)',
    section: 'User roles',
    why: 'Never run Elasticsearch without security: without authentication anyone who can reach it can read or delete everything.',
    fix: 'Set xpack.security.enabled: true and leave anonymous access off.',
  },
  'auth.strong-passwords': {
    title: 'Built-in users have strong random passwords',
    section: 'User roles',
    why: 'Default or short passwords are the first thing an attacker tries.',
    fix: 'Set random passwords of 20+ characters for elastic and kibana_system (`seclab reset` issues new ones).',
  },
  'auth.least-privilege': {
    title: 'Lab users get only what they need (live RBAC test)',
    section: 'User roles',
    why: 'Roles decide whether the user behind a request may run it; least privilege limits what a stolen password can do.',
    fix: 'Grant the analyst role read on lab-* only; remove write privileges from it.',
  },
  'auth.service-accounts': {
    title: 'Services use their own accounts, never elastic',
    section: 'User roles',
    why: 'A service holding the superuser password turns any compromise of that service into a compromise of everything.',
    fix: 'Kibana: elasticsearch.username kibana_system (or a service token); Fleet Server: a service-account token.',
  },
  'kibana.https': {
    title: 'Kibana serves HTTPS with a lab certificate',
    section: 'Data, objects and settings security',
    why: 'Browsers send passwords and session cookies to Kibana; over HTTP anyone on the path can take them.',
    fix: 'Set server.ssl.enabled: true with server.ssl.certificate and key from the lab CA.',
  },
  'kibana.es-tls-verified': {
    title: 'Kibana → Elasticsearch over HTTPS with full verification',
    section: 'Data, objects and settings security',
    why: "Kibana's link to Elasticsearch carries kibana_system's credentials; verifying the certificate stops a man in the middle.",
    fix: 'elasticsearch.hosts https://…, elasticsearch.ssl.certificateAuthorities the lab CA, verificationMode full.',
  },
  'kibana.encryption-keys': {
    title: "Kibana's three encryption keys are set, distinct, 32+ characters, in the keystore",
    section: 'Data, objects and settings security',
    why: 'Without fixed keys Kibana makes random ones at each start: sessions break and encrypted saved objects (Fleet, alerts) become unreadable.',
    fix: 'Add xpack.security.encryptionKey, xpack.encryptedSavedObjects.encryptionKey and xpack.reporting.encryptionKey to the Kibana keystore.',
  },
  'kibana.session': {
    title: 'Kibana sessions expire; the cookie is Secure and HttpOnly',
    section: 'Data, objects and settings security',
    why: 'Session management limits how long a stolen or forgotten session stays useful.',
    fix: 'Set xpack.security.session.idleTimeout and lifespan; serve Kibana over HTTPS so the cookie is Secure.',
  },
  'secrets.keystore': {
    title: 'Secrets live in keystores, not in env, yml or logs',
    section: 'Data, objects and settings security',
    why: 'Environment variables and config files are read by many tools and people; keystores keep secure settings apart.',
    fix: 'Move passwords to elasticsearch-keystore / kibana-keystore and remove them from env and yml.',
  },
  'secrets.host-files': {
    title: 'The lab folder is private: 0700, keys 0600',
    section: 'Data, objects and settings security',
    why: 'Private keys and passwords on disk are only as safe as the file permissions around them.',
    fix: 'chmod 700 the lab folder and its subfolders, chmod 600 every .key and secrets.json.',
  },
  'runtime.non-root': {
    title: 'No lab process runs as root',
    section: 'User roles',
    why: 'Never run Elasticsearch as root: it would invalidate every other layer of defense.',
    fix: "Run the containers as uid 1000 (the images' own unprivileged user).",
  },
  'runtime.limits': {
    title: 'Every container has a memory limit; Elasticsearch gets the open files it needs',
    section: 'User roles',
    why: 'A limit keeps one runaway component from starving the others and the host; Elasticsearch refuses to run a multi-node cluster with fewer than 65535 open files.',
    fix: 'Give each container a memory limit (seclab sets one per component), and let the engine grant 65535 open files (dockerd --default-ulimit nofile=65535:65535).',
  },
  'fleet.server-tls': {
    title: 'Fleet Server serves HTTPS on 8220 with a lab certificate',
    section: 'Cluster communication',
    why: 'Agents send enrollment tokens and data to Fleet Server; it must prove who it is and encrypt the link.',
    fix: 'Set FLEET_SERVER_CERT and FLEET_SERVER_CERT_KEY to a lab certificate whose SAN is the FLEET_URL host.',
  },
  'fleet.agent-enrolled': {
    title: 'Agents enrolled over verified TLS and are online',
    section: 'Cluster communication',
    why: 'An agent that skips verification (--insecure) would enroll with, and send data to, anyone who answers.',
    fix: 'Give agents FLEET_CA with the lab CA and never FLEET_INSECURE.',
  },
  'audit.logging': {
    title: 'Security audit events are written',
    section: 'Data, objects and settings security',
    why: 'Audit logs record who tried what and was refused: the evidence after an incident.',
    fix: 'Set xpack.security.audit.enabled: true (needs a trial or paid licence).',
  },
  'cloud.private-link': {
    title: 'Private link filters (cloud only)',
    section: 'Network access',
    why: 'AWS PrivateLink, Azure Private Link and GCP Private Service Connect keep traffic off the internet in Elastic Cloud.',
    fix: 'Local equivalent in this lab: the dedicated Docker network plus loopback-only ports.',
  },
  'cloud.byok': {
    title: 'Bring your own encryption key (cloud only)',
    section: 'Data, objects and settings security',
    why: 'In Elastic Cloud you can encrypt data at rest with a key you control.',
    fix: 'Local equivalent: encrypt the Docker data disk (LUKS, FileVault, BitLocker); the lab cannot check it.',
  },
};
