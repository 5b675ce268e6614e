import { isAbsolute } from 'node:path';
import type { ContainerSetup } from './container-env';

/**
 * The checks of the `elastic-agent enroll …` subprocess the container starts (buildEnrollArgs), in the
 * order the real one makes them: internal/pkg/agent/cmd/enroll.go validateEnrollFlags, then for a
 * co-located Fleet Server enroll_cmd.go prepareFleetTLS. A custom FLEET_SERVER_CERT needs FLEET_URL set
 * ("url is required when a certificate is provided") even though enrollment then goes to
 * https://localhost:8221. Returns the subprocess's error, or undefined.
 */
export function enrollCommandError(setup: ContainerSetup): string | undefined {
  const fs = setup.fleetServer;
  // cobra parses the flags before anything is validated.
  if (fs.enable) {
    if (fs.port && !/^\d+$/.test(fs.port)) return `invalid argument ${JSON.stringify(fs.port)} for "--fleet-server-port" flag: strconv.ParseUint: parsing ${JSON.stringify(fs.port)}: invalid syntax`;
    if (fs.port && Number(fs.port) > 65535) return `invalid argument ${JSON.stringify(fs.port)} for "--fleet-server-port" flag: strconv.ParseUint: parsing ${JSON.stringify(fs.port)}: value out of range`;
  }
  const absolute: Array<[string, string]> = [
    ['certificate-authorities', setup.fleet.ca],
    ['elastic-agent-cert', setup.fleet.cert],
    ['elastic-agent-cert-key', setup.fleet.certKey],
  ];
  if (fs.enable) {
    absolute.push(
      ['fleet-server-es-ca', fs.elasticsearch.ca],
      ['fleet-server-es-cert', fs.elasticsearch.cert],
      ['fleet-server-es-cert-key', fs.elasticsearch.certKey],
      ['fleet-server-cert', fs.cert],
      ['fleet-server-cert-key', fs.certKey],
      ['fleet-server-service-token-path', fs.elasticsearch.serviceTokenPath],
      ['fleet-server-cert-key-passphrase', fs.certKeyPassphrasePath],
    );
  }
  for (const [flag, value] of absolute) {
    if (value && !isAbsolute(value)) return `--${flag} must be provided as an absolute path`;
  }
  if (!fs.enable) return undefined;
  if (fs.clientAuth && !['none', 'optional', 'required'].includes(fs.clientAuth)) return '--fleet-server-client-auth must be one of [none, optional, required]';
  if (fs.cert && !fs.certKey) return 'certificate private key is required when certificate provided';
  if (fs.certKey && !fs.cert) return 'certificate is required when certificate private key is provided';
  if (fs.cert && !setup.fleet.url) return 'url is required when a certificate is provided';
  return undefined;
}
