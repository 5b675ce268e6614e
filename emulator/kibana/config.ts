import { isAbsolute, resolve } from 'node:path';
import type { FlatSettings } from '../shared/settings-file';
import { KIBANA_VERSION } from './version';
import { validateKibanaSettings } from './validate-settings';

export { ConfigValidationError } from './validate-settings';

export type VerificationMode = 'full' | 'certificate' | 'none';
export type ClientAuthentication = 'none' | 'optional' | 'required';
export type SameSite = 'Strict' | 'Lax' | 'None';

export interface KibanaConfig {
  server: {
    host: string;
    port: number;
    name: string;
    publicBaseUrl?: string;
    ssl: {
      enabled: boolean;
      certificate?: string;
      key?: string;
      keyPassphrase?: string;
      certificateAuthorities: string[];
      supportedProtocols: string[];
      clientAuthentication: ClientAuthentication;
    };
    xsrf: { allowlist: string[]; disableProtection: boolean };
  };
  elasticsearch: {
    hosts: string[];
    username?: string;
    password?: string;
    serviceAccountToken?: string;
    requestTimeoutMs: number;
    ssl: { verificationMode: VerificationMode; certificateAuthorities: string[]; certificate?: string; key?: string };
  };
  security: {
    encryptionKey?: string;
    cookieName: string;
    secureCookies: boolean;
    sameSiteCookies?: SameSite;
    session: { idleTimeoutMs: number | null; lifespanMs: number | null };
  };
  encryptedSavedObjects: { encryptionKey?: string };
  reporting: { encryptionKey?: string };
  status: { allowAnonymous: boolean };
  logging: { json: boolean };
  fleet: {
    outputHosts: string[];
    fleetServerHosts: string[];
    outputs: Array<Record<string, unknown>>;
    fleetServerHostObjects: Array<Record<string, unknown>>;
    agentPolicies: Array<Record<string, unknown>>;
  };
  path: { data?: string };
}

function resolvePath(homeDir: string, path: string): string {
  // Relative cert paths in kibana.yml resolve against the working dir, which is KIBANA_HOME in the image.
  return isAbsolute(path) ? path : resolve(homeDir, path);
}

/** `schema.oneOf([string, arrayOf(string)])` settings, as a list. */
function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}

/** Kibana treats a zero timeout as none (security/server/config.ts getSessionConfig). */
function sessionTimeout(ms: unknown): number | null {
  return typeof ms === 'number' && ms > 0 ? ms : null;
}

// The schema has just checked this tree's shape; KibanaConfig (the return type) is where its types are stated.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Tree = Record<string, any>;

/** Validates the raw settings as Kibana does (exit 78 / 64 on refusal) and shapes what the emulator uses. */
export function buildKibanaConfig(settings: FlatSettings, homeDir: string, version: string = KIBANA_VERSION): KibanaConfig {
  const valid = validateKibanaSettings(settings, version);
  const server = valid.server as Tree;
  const es = valid.elasticsearch as Tree;
  const security = valid['xpack.security'] as Tree;
  const fleet = valid['xpack.fleet'] as Tree;
  const appenders = Object.values((valid.logging as Tree).appenders ?? {}) as Tree[];

  return {
    server: {
      host: server.host,
      port: server.port,
      name: server.name ?? 'kibana',
      publicBaseUrl: server.publicBaseUrl,
      ssl: {
        enabled: server.ssl.enabled,
        certificate: server.ssl.certificate && resolvePath(homeDir, server.ssl.certificate),
        key: server.ssl.key && resolvePath(homeDir, server.ssl.key),
        keyPassphrase: server.ssl.keyPassphrase,
        certificateAuthorities: asList(server.ssl.certificateAuthorities).map((p) => resolvePath(homeDir, p)),
        supportedProtocols: server.ssl.supportedProtocols,
        clientAuthentication: server.ssl.clientAuthentication,
      },
      xsrf: { allowlist: server.xsrf.allowlist, disableProtection: server.xsrf.disableProtection },
    },
    elasticsearch: {
      hosts: asList(es.hosts),
      username: es.username,
      password: es.password,
      serviceAccountToken: es.serviceAccountToken,
      requestTimeoutMs: es.requestTimeout,
      ssl: {
        verificationMode: es.ssl.verificationMode,
        certificateAuthorities: asList(es.ssl.certificateAuthorities).map((p) => resolvePath(homeDir, p)),
        certificate: es.ssl.certificate,
        key: es.ssl.key,
      },
    },
    security: {
      encryptionKey: security.encryptionKey,
      cookieName: security.cookieName,
      secureCookies: security.secureCookies,
      sameSiteCookies: security.sameSiteCookies,
      session: { idleTimeoutMs: sessionTimeout(security.session.idleTimeout), lifespanMs: sessionTimeout(security.session.lifespan) },
    },
    encryptedSavedObjects: { encryptionKey: (valid['xpack.encryptedSavedObjects'] as Tree).encryptionKey },
    reporting: { encryptionKey: (valid['xpack.reporting'] as Tree).encryptionKey },
    status: { allowAnonymous: (valid.status as Tree).allowAnonymous },
    logging: { json: appenders.some((appender) => appender?.layout?.type === 'json') },
    fleet: {
      outputHosts: fleet.agents.elasticsearch.hosts ?? asList(fleet.agents.elasticsearch.host),
      fleetServerHosts: fleet.agents.fleet_server.hosts ?? [],
      outputs: fleet.outputs ?? [],
      fleetServerHostObjects: fleet.fleetServerHosts ?? [],
      agentPolicies: fleet.agentPolicies ?? [],
    },
    path: { data: (valid.path as Tree).data },
  };
}
