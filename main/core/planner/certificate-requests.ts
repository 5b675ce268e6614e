import type { CertificateRequest } from '../pki/lab-pki.ts';
import { elasticsearchNodeNames, type LabSpec } from '../../../common/lab-spec.ts';
import { componentAddresses } from './lab-addresses.ts';

/**
 * One certificate per server component. SANs: its DNS name on the lab network (which is the
 * host in every URL the lab uses: https://es01:9200, https://kibana:5601, FLEET_URL
 * https://fleet-server:8220), `localhost`, its static IP and 127.0.0.1 for the published port.
 */
export function certificateRequestsFor(spec: LabSpec, subnetIndex: number): CertificateRequest[] {
  const addresses = componentAddresses(spec, subnetIndex);
  const servers = [...elasticsearchNodeNames(spec), ...(spec.kibana ? ['kibana'] : []), ...(spec.fleetServer ? ['fleet-server'] : [])];
  return servers.map((name) => ({ name, dnsNames: [name, 'localhost'], ipAddresses: [addresses[name], '127.0.0.1'] }));
}
