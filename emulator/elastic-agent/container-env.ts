import { join } from 'node:path';
import { parseGoDuration, parseGoDurationMs } from './go-duration';

/**
 * The `elastic-agent container` settings, read from the environment exactly as elastic/elastic-agent
 * internal/pkg/agent/cmd/setup_config.go (defaultAccessConfig, v9.4.0–v9.5.2) reads them, with
 * container.go's helpers:
 * - envWithDefault takes the first variable that is *defined* (os.LookupEnv), even when it is empty:
 *   FLEET_CA="" hides KIBANA_CA;
 * - envBool is true for 1/true/yes/y in any case (isTrue), nothing else ("t" is false);
 * - envTimeout ignores a value Go's time.ParseDuration refuses (a bare "30" has no unit).
 * Only the Fleet Server service token has a `_PATH` form (FLEET_SERVER_SERVICE_TOKEN_PATH, and Kibana's
 * KIBANA_FLEET_SERVICE_TOKEN_PATH); there is no FLEET_ENROLLMENT_TOKEN_PATH.
 */
export interface ContainerSetup {
  paths: { home: string; state: string; config: string; logs: string };
  fleet: {
    enroll: boolean;
    url: string;
    enrollmentToken: string;
    id: string;
    replaceToken: string;
    /** Raw FLEET_CA (→ KIBANA_CA → ELASTICSEARCH_CA); a comma-separated list is several CAs. */
    ca: string;
    insecure: boolean;
    force: boolean;
    /** FLEET_ENROLL_TIMEOUT; unset/invalid → the enroll command's 10m; negative → no timeout (Infinity). */
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
    /** Raw FLEET_SERVER_CLIENT_AUTH (default none); the enroll command refuses anything but none/optional/required. */
    clientAuth: string;
    /** Raw FLEET_SERVER_HOST; empty → fleet-server binds 0.0.0.0 (enroll.CreateFleetServerBootstrapConfig). */
    host: string;
    /** Raw FLEET_SERVER_PORT; empty → 8220. */
    port: string;
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
  kibana: { serviceToken: string; serviceTokenPath: string; username: string; password: string };
}

/** container.go's agentBaseDirectory; ELASTIC_AGENT_HOME is a test-only switch of the emulator. */
export const AGENT_BASE_DIRECTORY = '/usr/share/elastic-agent';

/** First *defined* variable of the list (os.LookupEnv), else the default (container.go envWithDefault). */
export function envWithDefault(env: NodeJS.ProcessEnv, fallback: string, ...names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) return value;
  }
  return fallback;
}

/** container.go envBool/isTrue: 1, true, yes, y (any case) of any defined variable of the list. */
export function envBool(env: NodeJS.ProcessEnv, ...names: string[]): boolean {
  return names.some((name) => ['1', 'true', 'yes', 'y'].includes((env[name] ?? '').toLowerCase()));
}

/** container.go envTimeout: 0 when unset or unparsable. */
function envTimeoutMs(env: NodeJS.ProcessEnv, name: string): number {
  const value = env[name];
  return value === undefined ? 0 : (parseGoDuration(value) ?? 0);
}

export function agentHome(env: NodeJS.ProcessEnv): string {
  return env.ELASTIC_AGENT_HOME || AGENT_BASE_DIRECTORY;
}

/** setPaths: STATE_PATH (an empty value means the default), CONFIG_PATH defaults to it; LOGS_PATH optional. */
export function containerPaths(env: NodeJS.ProcessEnv): ContainerSetup['paths'] {
  const home = agentHome(env);
  const state = envWithDefault(env, '', 'STATE_PATH') || join(home, 'state');
  return { home, state, config: envWithDefault(env, '', 'CONFIG_PATH') || state, logs: envWithDefault(env, '', 'LOGS_PATH') };
}

/**
 * defaultAccessConfig fails (and with it the container) on a retry setting Go cannot parse:
 * `time: invalid duration "x"`, `strconv.Atoi: parsing "x": invalid syntax`.
 */
export function accessConfigError(env: NodeJS.ProcessEnv): string | undefined {
  const sleep = envWithDefault(env, '1s', 'KIBANA_REQUEST_RETRY_SLEEP');
  if (parseGoDuration(sleep) === undefined) {
    const missingUnit = /^[-+]?\d+(\.\d*)?$/.test(sleep) && sleep !== '0';
    return `time: ${missingUnit ? 'missing unit in duration' : 'invalid duration'} ${JSON.stringify(sleep)}`;
  }
  const count = envWithDefault(env, '30', 'KIBANA_REQUEST_RETRY_COUNT');
  if (!/^[-+]?\d+$/.test(count)) return `strconv.Atoi: parsing ${JSON.stringify(count)}: invalid syntax`;
  return undefined;
}

export function readContainerSetup(env: NodeJS.ProcessEnv): ContainerSetup {
  const enrollTimeout = envTimeoutMs(env, 'FLEET_ENROLL_TIMEOUT');
  const tags = envWithDefault(env, '', 'ELASTIC_AGENT_TAGS');
  return {
    paths: containerPaths(env),
    fleet: {
      enroll: envBool(env, 'FLEET_ENROLL', 'FLEET_SERVER_ENABLE'),
      url: envWithDefault(env, '', 'FLEET_URL'),
      enrollmentToken: envWithDefault(env, '', 'FLEET_ENROLLMENT_TOKEN'),
      id: envWithDefault(env, '', 'ELASTIC_AGENT_ID'),
      replaceToken: envWithDefault(env, '', 'FLEET_REPLACE_TOKEN'),
      ca: envWithDefault(env, '', 'FLEET_CA', 'KIBANA_CA', 'ELASTICSEARCH_CA'),
      insecure: envBool(env, 'FLEET_INSECURE'),
      force: envBool(env, 'FLEET_FORCE'),
      // 0 is "not given": the enroll command's --enroll-timeout default (10m) applies.
      enrollTimeoutMs: enrollTimeout === 0 ? 10 * 60_000 : enrollTimeout < 0 ? Number.POSITIVE_INFINITY : enrollTimeout,
      cert: envWithDefault(env, '', 'ELASTIC_AGENT_CERT'),
      certKey: envWithDefault(env, '', 'ELASTIC_AGENT_CERT_KEY'),
      tags: tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    },
    fleetServer: {
      enable: envBool(env, 'FLEET_SERVER_ENABLE'),
      cert: envWithDefault(env, '', 'FLEET_SERVER_CERT'),
      certKey: envWithDefault(env, '', 'FLEET_SERVER_CERT_KEY'),
      certKeyPassphrasePath: envWithDefault(env, '', 'FLEET_SERVER_CERT_KEY_PASSPHRASE'),
      clientAuth: envWithDefault(env, 'none', 'FLEET_SERVER_CLIENT_AUTH'),
      host: envWithDefault(env, '', 'FLEET_SERVER_HOST'),
      port: envWithDefault(env, '', 'FLEET_SERVER_PORT'),
      insecureHttp: envBool(env, 'FLEET_SERVER_INSECURE_HTTP'),
      policyId: envWithDefault(env, '', 'FLEET_SERVER_POLICY_ID', 'FLEET_SERVER_POLICY'),
      timeoutMs: parseGoDurationMs(env.FLEET_SERVER_TIMEOUT, 0) || 120_000,
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
    kibana: {
      serviceToken: envWithDefault(env, '', 'KIBANA_FLEET_SERVICE_TOKEN', 'FLEET_SERVER_SERVICE_TOKEN'),
      serviceTokenPath: envWithDefault(env, '', 'KIBANA_FLEET_SERVICE_TOKEN_PATH', 'FLEET_SERVER_SERVICE_TOKEN_PATH'),
      username: envWithDefault(env, 'elastic', 'KIBANA_FLEET_USERNAME', 'KIBANA_USERNAME', 'ELASTICSEARCH_USERNAME'),
      password: envWithDefault(env, 'changeme', 'KIBANA_FLEET_PASSWORD', 'KIBANA_PASSWORD', 'ELASTICSEARCH_PASSWORD'),
    },
  };
}

/** The first CA of FLEET_CA's comma-separated list (cli.StringToSlice), as the files the agent trusts. */
export function fleetCaFiles(setup: ContainerSetup): string[] {
  return setup.fleet.ca
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
}
