import { describe, expect, it } from 'vitest';
import { tlsFailureSentence } from './tls-failure.ts';

describe('a failed TLS handshake, in words that say only what was seen', () => {
  it('a certificate from another CA: the node does speak TLS', () => {
    expect(tlsFailureSentence('es03', 9200, 'SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain')).toBe(
      'es03 serves TLS on 9200, but its certificate does not verify against the lab CA (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain)',
    );
    expect(tlsFailureSentence('es03', 9300, 'unable to verify the first certificate')).toMatch(/serves TLS on 9300, but its certificate/);
  });

  it('nothing listening, or the connection dropped: not "does not speak TLS"', () => {
    expect(tlsFailureSentence('es02', 9200, 'connect ECONNREFUSED 172.29.3.12:9200')).toBe('es02 did not take a connection on 9200 (connect ECONNREFUSED 172.29.3.12:9200)');
    expect(tlsFailureSentence('es02', 9200, 'read ECONNRESET')).toMatch(/did not take a connection/);
  });

  it('an answer that is not TLS (plain HTTP): does not speak TLS', () => {
    expect(tlsFailureSentence('es02', 9200, 'write EPROTO 0080E1B0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number')).toMatch(/^es02 does not speak TLS on 9200 \(/);
  });
});
