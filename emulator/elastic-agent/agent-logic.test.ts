import { describe, expect, it } from 'vitest';
import { readContainerSetup } from './container-env';
import { goTlsErrorMessage } from './go-tls-errors';
import { renderHumanStatus } from './status-command';
import { formatGoDuration, parseGoDurationMs } from './go-duration';

describe('container env', () => {
  it('follows setup_config.go fallbacks', () => {
    const setup = readContainerSetup({ FLEET_SERVER_ENABLE: '1', ELASTICSEARCH_HOST: 'https://es:9200', KIBANA_CA: '/ca.crt', FLEET_SERVER_POLICY: 'fs' });
    expect(setup.fleet.enroll).toBe(true);
    expect(setup.fleetServer.elasticsearch.host).toBe('https://es:9200');
    expect(setup.fleet.ca).toBe('/ca.crt');
    expect(setup.fleetServer.policyId).toBe('fs');
    expect(setup.fleetServer.port).toBe('');
    expect(setup.paths.state).toBe('/usr/share/elastic-agent/state');
  });
  it('parses Go durations', () => {
    expect(parseGoDurationMs('1m30s', 0)).toBe(90_000);
    expect(parseGoDurationMs('bogus', 7)).toBe(7);
    // time.ParseDuration refuses a bare number ("missing unit"), except 0.
    expect(parseGoDurationMs('30', 7)).toBe(7);
    expect(parseGoDurationMs('0', 7)).toBe(0);
    expect(parseGoDurationMs('-1s', 7)).toBe(-1000);
  });
  it("writes durations as Go's Duration.String does", () => {
    expect(formatGoDuration(120_000)).toBe('2m0s');
    expect(formatGoDuration(3_000)).toBe('3s');
    expect(formatGoDuration(90_500)).toBe('1m30.5s');
    expect(formatGoDuration(5_400_000)).toBe('1h30m0s');
    expect(formatGoDuration(500)).toBe('500ms');
  });
});

describe('Go TLS wording', () => {
  it('maps Node verification errors to x509 messages', () => {
    expect(goTlsErrorMessage(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toBe('x509: certificate signed by unknown authority');
    expect(goTlsErrorMessage(new Error('unable to verify the first certificate'))).toBe('x509: certificate signed by unknown authority');
    expect(goTlsErrorMessage(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID', host: 'fleet', reason: "Host: fleet. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1" }))).toBe(
      'x509: certificate is valid for localhost, 127.0.0.1, not fleet',
    );
  });
});

describe('elastic-agent status (human)', () => {
  it('renders the connected-light list', () => {
    const text = renderHumanStatus({ info: { id: 'a', version: '9.1.0', commit: 'c' }, state: 'HEALTHY', message: 'Running', fleet_state: 'HEALTHY', fleet_message: 'Connected', components: [] }, false);
    expect(text).toBe('┌─ fleet\n│  └─ status: (HEALTHY) Connected\n└─ elastic-agent\n   └─ status: (HEALTHY) Running');
  });
});

describe('Go transport wording', () => {
  it("maps a line break in the Authorization header to Go's refusal", () => {
    expect(goTlsErrorMessage(new Error('invalid authorization header'))).toBe('net/http: invalid header field value for "Authorization"');
  });
});
