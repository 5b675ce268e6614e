import { describe, expect, it } from 'vitest';
import { accessConfigError, readContainerSetup } from './container-env';
import { enrollCommandError } from './enroll-command';

describe('container env as setup_config.go reads it', () => {
  it('a defined but empty variable wins over the next one (os.LookupEnv)', () => {
    const setup = readContainerSetup({ FLEET_CA: '', KIBANA_CA: '/kibana-ca.crt', ELASTICSEARCH_CA: '/es-ca.crt' });
    expect(setup.fleet.ca).toBe('');
    expect(readContainerSetup({ KIBANA_CA: '/kibana-ca.crt', ELASTICSEARCH_CA: '/es-ca.crt' }).fleet.ca).toBe('/kibana-ca.crt');
  });

  it("FLEET_SERVER_TIMEOUT is a Go duration; unset or unparsable means 2m (container.go envTimeout gives 0, enroll_cmd.go's default)", () => {
    expect(readContainerSetup({ FLEET_SERVER_TIMEOUT: '15m' }).fleetServer.timeoutMs).toBe(900_000);
    expect(readContainerSetup({ FLEET_SERVER_TIMEOUT: '15 minutes' }).fleetServer.timeoutMs).toBe(120_000);
    expect(readContainerSetup({}).fleetServer.timeoutMs).toBe(120_000);
  });

  it('booleans are 1/true/yes/y in any case, nothing else', () => {
    for (const yes of ['1', 'true', 'TRUE', 'yes', 'Y']) expect(readContainerSetup({ FLEET_ENROLL: yes }).fleet.enroll, yes).toBe(true);
    for (const no of ['t', 'on', '0', 'false', '']) expect(readContainerSetup({ FLEET_ENROLL: no }).fleet.enroll, no).toBe(false);
    expect(readContainerSetup({ FLEET_SERVER_ENABLE: 'yes' }).fleet.enroll).toBe(true);
  });

  it('has no FLEET_ENROLLMENT_TOKEN_PATH; the service token has its _PATH form', () => {
    const setup = readContainerSetup({ FLEET_ENROLLMENT_TOKEN_PATH: '/token', FLEET_SERVER_SERVICE_TOKEN_PATH: '/svc' });
    expect(setup.fleet.enrollmentToken).toBe('');
    expect(setup.fleetServer.elasticsearch.serviceTokenPath).toBe('/svc');
    expect(setup.kibana.serviceTokenPath).toBe('/svc');
  });

  it('FLEET_ENROLL_TIMEOUT: invalid or bare numbers fall back to 10m, negative disables the timeout', () => {
    expect(readContainerSetup({ FLEET_ENROLL_TIMEOUT: '30' }).fleet.enrollTimeoutMs).toBe(600_000);
    expect(readContainerSetup({ FLEET_ENROLL_TIMEOUT: '30s' }).fleet.enrollTimeoutMs).toBe(30_000);
    expect(readContainerSetup({ FLEET_ENROLL_TIMEOUT: '-1s' }).fleet.enrollTimeoutMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('an unparsable Kibana retry setting fails the container in Go words', () => {
    expect(accessConfigError({})).toBeUndefined();
    expect(accessConfigError({ KIBANA_REQUEST_RETRY_SLEEP: '5' })).toBe('time: missing unit in duration "5"');
    expect(accessConfigError({ KIBANA_REQUEST_RETRY_SLEEP: 'soon' })).toBe('time: invalid duration "soon"');
    expect(accessConfigError({ KIBANA_REQUEST_RETRY_COUNT: 'many' })).toBe('strconv.Atoi: parsing "many": invalid syntax');
  });
});

describe('the enroll subprocess refuses what enroll.go and prepareFleetTLS refuse', () => {
  const fleetServer = {
    FLEET_SERVER_ENABLE: '1',
    FLEET_SERVER_SERVICE_TOKEN_PATH: '/certs/token',
    FLEET_SERVER_CERT: '/certs/fleet-server.crt',
    FLEET_SERVER_CERT_KEY: '/certs/fleet-server.key',
    FLEET_URL: 'https://fleet-server:8220',
  };
  it('a custom Fleet Server certificate needs FLEET_URL', () => {
    expect(enrollCommandError(readContainerSetup(fleetServer))).toBeUndefined();
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_URL: undefined }))).toBe('url is required when a certificate is provided');
    // Self-signed (no certificate) or plain HTTP needs none.
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_URL: undefined, FLEET_SERVER_CERT: undefined, FLEET_SERVER_CERT_KEY: undefined }))).toBeUndefined();
  });
  it('certificate and key go together', () => {
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_SERVER_CERT_KEY: undefined }))).toBe('certificate private key is required when certificate provided');
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_SERVER_CERT: undefined }))).toBe('certificate is required when certificate private key is provided');
  });
  it('client auth must be none, optional or required', () => {
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_SERVER_CLIENT_AUTH: 'require' }))).toBe('--fleet-server-client-auth must be one of [none, optional, required]');
  });
  it('paths must be absolute', () => {
    expect(enrollCommandError(readContainerSetup({ FLEET_ENROLL: '1', FLEET_CA: 'certs/ca.crt' }))).toBe('--certificate-authorities must be provided as an absolute path');
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_SERVER_SERVICE_TOKEN_PATH: 'token' }))).toBe('--fleet-server-service-token-path must be provided as an absolute path');
  });
  it('the port must be a uint16', () => {
    expect(enrollCommandError(readContainerSetup({ ...fleetServer, FLEET_SERVER_PORT: 'https' }))).toBe('invalid argument "https" for "--fleet-server-port" flag: strconv.ParseUint: parsing "https": invalid syntax');
  });
});
