import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGoDurationMs } from './go-duration';

/**
 * The `elastic-agent container` settings, read from the environment with the fallbacks of
 * elastic/elastic-agent internal/pkg/agent/cmd/setup_config.go (defaultAccessConfig). There is no
 * `FLEET_ENROLLMENT_TOKEN_PATH` in the real agent; only the service token has a `_PATH` variant.
 */
export interface ContainerSetup {
  paths: { home: string; state: string; config: string; logs: string };
  fleet: {
    enroll: boolean;
    url: string;
    enrollmentToken: string;
    ca: string;
    insecure: boolean;
    force: boolean;
    enrollTimeoutMs: number;
    cert: string;
    certKey: string;
    tags: string[];
  };
  fleetServer: {
    enable: boolean;
    cert: string;
    certKey: string;
    certKeyPassphrasePath: string;
    clientAuth: 'none' | 'optional' | 'required';
    host: string;
    port: number;
    insecureHttp: boolean;
    policyId: string;
    timeoutMs: number;
    elasticsearch: {
      host: string;
      serviceToken: string;
      serviceTokenPath: string;
      ca: string;
      caTrustedFingerprint: string;
      insecure: boolean;
      cert: string;
      certKey: string;
    };
  };
}

/** First non-empty variable of the list, else the default (setup_config.go envWithDefault). */
function envWithDefault(env: NodeJS.ProcessEnv, fallback: string, ...names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return fallback;
}

/** Go strconv.ParseBool semantics: 1, t, T, TRUE, true, True are true (setup_config.go envBool). */
function envBool(env: NodeJS.ProcessEnv, ...names: string[]): boolean {
  return names.some((name) => ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(env[name] ?? ''));
}

export function readContainerSetup(env: NodeJS.ProcessEnv): ContainerSetup {
  const home = env.ELASTIC_AGENT_HOME || '/usr/share/elastic-agent';
  const state = env.STATE_PATH || join(home, 'state');
  const clientAuth = envWithDefault(env, 'none', 'FLEET_SERVER_CLIENT_AUTH');
  return {
    paths: { home, state, config: env.CONFIG_PATH || home, logs: env.LOGS_PATH || join(home, 'data', 'logs') },
    fleet: {
      enroll: envBool(env, 'FLEET_ENROLL', 'FLEET_SERVER_ENABLE'),
      url: envWithDefault(env, '', 'FLEET_URL'),
      enrollmentToken: envWithDefault(env, '', 'FLEET_ENROLLMENT_TOKEN'),
      ca: envWithDefault(env, '', 'FLEET_CA', 'KIBANA_CA', 'ELASTICSEARCH_CA'),
      insecure: envBool(env, 'FLEET_INSECURE'),
      force: envBool(env, 'FLEET_FORCE'),
      enrollTimeoutMs: parseGoDurationMs(env.FLEET_ENROLL_TIMEOUT, 10 * 60_000),
      cert: envWithDefault(env, '', 'ELASTIC_AGENT_CERT'),
      certKey: envWithDefault(env, '', 'ELASTIC_AGENT_CERT_KEY'),
      tags: (env.ELASTIC_AGENT_TAGS ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    },
    fleetServer: {
      enable: envBool(env, 'FLEET_SERVER_ENABLE'),
      cert: envWithDefault(env, '', 'FLEET_SERVER_CERT'),
      certKey: envWithDefault(env, '', 'FLEET_SERVER_CERT_KEY'),
      certKeyPassphrasePath: envWithDefault(env, '', 'FLEET_SERVER_CERT_KEY_PASSPHRASE'),
      clientAuth: clientAuth === 'optional' || clientAuth === 'required' ? clientAuth : 'none',
      host: envWithDefault(env, '0.0.0.0', 'FLEET_SERVER_HOST'),
      port: Number(envWithDefault(env, '8220', 'FLEET_SERVER_PORT')),
      insecureHttp: envBool(env, 'FLEET_SERVER_INSECURE_HTTP'),
      policyId: envWithDefault(env, '', 'FLEET_SERVER_POLICY_ID', 'FLEET_SERVER_POLICY'),
      timeoutMs: parseGoDurationMs(env.FLEET_SERVER_TIMEOUT, 120_000),
      elasticsearch: {
        host: envWithDefault(env, 'http://elasticsearch:9200', 'FLEET_SERVER_ELASTICSEARCH_HOST', 'ELASTICSEARCH_HOST'),
        serviceToken: envWithDefault(env, '', 'FLEET_SERVER_SERVICE_TOKEN'),
        serviceTokenPath: envWithDefault(env, '', 'FLEET_SERVER_SERVICE_TOKEN_PATH'),
        ca: envWithDefault(env, '', 'FLEET_SERVER_ELASTICSEARCH_CA', 'ELASTICSEARCH_CA'),
        caTrustedFingerprint: envWithDefault(env, '', 'FLEET_SERVER_ELASTICSEARCH_CA_TRUSTED_FINGERPRINT'),
        insecure: envBool(env, 'FLEET_SERVER_ELASTICSEARCH_INSECURE'),
        cert: envWithDefault(env, '', 'FLEET_SERVER_ES_CERT'),
        certKey: envWithDefault(env, '', 'FLEET_SERVER_ES_CERT_KEY'),
      },
    },
  };
}

/** The service token itself, or the trimmed content of FLEET_SERVER_SERVICE_TOKEN_PATH. */
export function resolveServiceToken(es: ContainerSetup['fleetServer']['elasticsearch']): string {
  if (es.serviceToken) return es.serviceToken;
  if (es.serviceTokenPath) return readFileSync(es.serviceTokenPath, 'utf8').trim();
  return '';
}
