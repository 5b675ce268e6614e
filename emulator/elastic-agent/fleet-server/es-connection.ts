import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client } from '@elastic/elasticsearch';
import type { ContainerSetup } from '../container-env';

/**
 * Fleet Server's Elasticsearch client: the `elastic/fleet-server` service token as a Bearer credential,
 * trusting FLEET_SERVER_ELASTICSEARCH_CA, or a CA in the presented chain matching
 * FLEET_SERVER_ELASTICSEARCH_CA_TRUSTED_FINGERPRINT (SHA-256, hex, colons optional), or nothing at all
 * with FLEET_SERVER_ELASTICSEARCH_INSECURE. Without any of them only the system roots are trusted.
 */
export interface FleetServerEsClients {
  /** Authenticated with the service token. */
  service: Client;
  /** Same connection settings, authenticating as whoever holds the given API key (an agent). */
  asApiKey(encodedKey: string): Client;
}

export function createFleetServerEsClients(es: ContainerSetup['fleetServer']['elasticsearch'], serviceToken: string): FleetServerEsClients {
  const tls: ConnectionOptions = {};
  if (es.ca) tls.ca = readFileSync(es.ca, 'utf8');
  if (es.cert) tls.cert = readFileSync(es.cert, 'utf8');
  if (es.certKey) tls.key = readFileSync(es.certKey, 'utf8');
  const fingerprint = es.caTrustedFingerprint.replace(/:/g, '').toUpperCase();
  // The Elasticsearch client checks `caFingerprint` itself once the handshake is done; the chain is then
  // accepted on that pin alone, as elastic-agent-libs tlscommon does for ca_trusted_fingerprint.
  if (es.insecure || (fingerprint && !es.ca)) tls.rejectUnauthorized = false;
  const common = {
    node: es.host,
    tls,
    caFingerprint: fingerprint && !es.insecure ? fingerprint.match(/.{2}/g)!.join(':') : undefined,
    maxRetries: 0,
    requestTimeout: 30_000,
  };
  const service = new Client({ ...common, auth: { bearer: serviceToken } });
  const anonymous = new Client(common);
  return { service, asApiKey: (encodedKey) => anonymous.child({ headers: { authorization: `ApiKey ${encodedKey}` } }) };
}
