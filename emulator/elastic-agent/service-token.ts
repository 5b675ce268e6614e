import { readFileSync } from 'node:fs';
import type { ContainerSetup } from './container-env';
import { ContainerStartError } from './container-paths';
import { goPathError } from './go-errors';

function readTokenFile(path: string, wording: string): string {
  try {
    // Read as is: neither the agent nor fleet-server trims the file (a trailing newline then makes every
    // Elasticsearch request fail: net/http refuses the Authorization header).
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ContainerStartError(`${wording}: ${goPathError('open', path, error)}`);
  }
}

/**
 * container.go `ensureServiceToken` (Fleet Server mode, before anything else): a token in
 * FLEET_SERVER_SERVICE_TOKEN / KIBANA_FLEET_SERVICE_TOKEN is enough; else the file at
 * FLEET_SERVER_SERVICE_TOKEN_PATH (then KIBANA_FLEET_SERVICE_TOKEN_PATH) must open; else a token is
 * requested from Kibana with KIBANA_FLEET_USERNAME/PASSWORD (defaults elastic/changeme) — which the
 * emulator does not do. Then, as buildEnrollArgs passes `--fleet-server-service-token-path` whenever a
 * path is set, fleet-server itself reads that file (and ignores FLEET_SERVER_SERVICE_TOKEN).
 * Returns the token fleet-server authenticates with.
 */
export function fleetServerServiceToken(setup: ContainerSetup, say: (line: string) => void): string {
  const es = setup.fleetServer.elasticsearch;
  let token = es.serviceToken;
  if (!setup.kibana.serviceToken && !es.serviceToken) {
    if (es.serviceTokenPath) token = readTokenFile(es.serviceTokenPath, 'unable to open service_token_path');
    else if (setup.kibana.serviceTokenPath) token = readTokenFile(setup.kibana.serviceTokenPath, 'unable to open service_token_path');
    else if (!setup.kibana.username || !setup.kibana.password) throw new ContainerStartError('username/password must be provided to retrieve service token');
    else {
      say('Requesting service_token from Kibana.');
      throw new ContainerStartError(
        'request to get security token from Kibana failed: not emulated (the emulated agent does not create service tokens; set FLEET_SERVER_SERVICE_TOKEN or FLEET_SERVER_SERVICE_TOKEN_PATH)',
      );
    }
  }
  if (es.serviceTokenPath) return readTokenFile(es.serviceTokenPath, 'unable to read service_token_path');
  return token;
}
