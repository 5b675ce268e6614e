import { connect as tlsConnect, checkServerIdentity } from 'node:tls';
import { plainRequest } from '../probes/plain-request.ts';
import { X509Certificate } from 'node:crypto';
import type { Observed, VerificationContext } from '../verification-context.ts';
import { elasticsearchBody } from './elasticsearch-request.ts';
import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { stateSentence } from '../component-state.ts';
import { isUntrustedCertificate, tlsFailureSentence } from './tls-failure.ts';

const DAY_MS = 24 * 3600 * 1000;

export async function transportTls(ctx: VerificationContext): Promise<Observed> {
  const observations = await ctx.nodeObservations();
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const o of observations) {
    const tls = o.transportWithClientCertificate;
    evidence.push(`${o.name} ${o.ip}:9300 plaintext: ${o.transportPlaintext?.detail}`);
    evidence.push(`${o.name} ${o.ip}:9300 TLS with es01's certificate: ${tls?.ok ? `${tls.protocol}, chain ${tls.chain?.join(' ← ')}, ends at the lab CA: ${tls.chainEndsAtCa ? 'yes' : 'no'}` : `failed: ${tls?.error}`}`);
    if (o.transportPlaintext?.answered) problems.push(`${o.name} answers plaintext on 9300`);
    if (!tls?.ok) problems.push(tlsFailureSentence(o.name, 9300, tls?.error));
    else if (!tls.chainEndsAtCa) problems.push(`${o.name}'s transport certificate does not chain to the lab CA`);
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export async function transportMutualAuth(ctx: VerificationContext): Promise<Observed> {
  const observations = await ctx.nodeObservations();
  const evidence = observations.map((o) => `${o.name} ${o.ip}:9300, TLS client without a certificate: ${o.transportWithoutClientCertificate?.detail}`);
  const open = observations.filter((o) => !o.transportWithoutClientCertificate?.refused);
  return open.length
    ? {
        status: 'fail',
        evidence: [`${open.map((o) => o.name).join(', ')} accepted a TLS client without a certificate`, ...evidence],
        fix: 'Set xpack.security.transport.ssl.client_authentication: required (the default) on every node.',
      }
    : { status: 'pass', evidence };
}

export async function clusterFormed(ctx: VerificationContext): Promise<Observed> {
  const expected = ctx.containersOf('elasticsearch').map((c) => c.component);
  const auth = { username: 'lab_admin', password: requireSecret(ctx.secrets, 'lab-admin-password') };
  const [health, nodes] = await Promise.all([
    elasticsearchBody<{ status: string; number_of_nodes: number }>(ctx, { path: '/_cluster/health', auth }),
    elasticsearchBody<Array<{ name: string; ip: string; master: string }>>(ctx, { path: '/_cat/nodes?format=json&h=name,ip,master', auth }),
  ]);
  const names = nodes.map((n) => n.name).sort();
  const evidence = [`GET /_cluster/health: status ${health.status}, ${health.number_of_nodes} nodes`, `GET /_cat/nodes: ${nodes.map((n) => `${n.name} ${n.ip}${n.master === '*' ? ' (master)' : ''}`).join(', ')}`];
  const missing = ctx.containersOf('elasticsearch').filter((c) => !names.includes(c.component));
  if (health.number_of_nodes !== expected.length || missing.length) {
    // Why each one is missing: Docker's state of its container, or running yet not in the cluster.
    const states = await Promise.all(missing.map((c) => ctx.stateOf(c)));
    const why = states.map((s) => (s.probeable ? `${s.component} is running but not joined: see its log (seclab logs ${s.component} --lab ${ctx.lab})` : stateSentence(s)));
    const down = states.filter((s) => !s.probeable).map((s) => s.component);
    const fix = down.length
      ? `Start ${down.join(', ')} (seclab up --lab ${ctx.lab}); if it stops again, its log says why.`
      : `Look at ${missing[0]?.component ?? 'the node'}'s log: a node whose certificate is from another CA never joins. Regenerate the lab's certificates (seclab reset).`;
    return {
      status: 'fail',
      evidence: [`${missing.map((c) => c.component).join(', ') || 'some nodes'} did not join: ${health.number_of_nodes} of ${expected.length} nodes${why.length ? `; ${why.join('; ')}` : ''}`, ...evidence],
      fix,
    };
  }
  return { status: 'pass', evidence };
}

interface HostTls {
  ok: boolean;
  detail: string;
  protocol?: string;
  certificate?: X509Certificate;
  chainEndsAtCa?: boolean;
  localhostVerified?: boolean;
  nameVerified?: boolean;
}

/** From the host, through the published port: the handshake a browser or curl would make. */
export function hostTlsHandshake(port: number, caPem: string, componentName: string): Promise<HostTls> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: caPem, rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    socket.setTimeout(4000, () => {
      socket.destroy();
      resolve({ ok: false, detail: `no TLS handshake on 127.0.0.1:${port} within 4 s` });
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      const certificate = new X509Certificate(peer.raw);
      const ca = new X509Certificate(caPem);
      const result: HostTls = {
        ok: true,
        detail: `${socket.getProtocol()} handshake to 127.0.0.1:${port}; certificate CN=${peer.subject?.CN}, SANs ${peer.subjectaltname}; chain verified against the lab CA (SHA-256 ${ca.fingerprint256.slice(0, 23)}…)`,
        protocol: socket.getProtocol() ?? undefined,
        certificate,
        chainEndsAtCa: certificate.verify(ca.publicKey),
        localhostVerified: !checkServerIdentity('localhost', peer),
        nameVerified: !checkServerIdentity(componentName, peer),
      };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', (error) => resolve({ ok: false, detail: `TLS to 127.0.0.1:${port} failed: ${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim() }));
  });
}

/** A plain-HTTP request to a TLS port must get no HTTP answer. */
export async function plainHttpAnswered(port: number): Promise<{ answered: boolean; detail: string }> {
  const statusLine = /^HTTP\/1\.[01] [1-5]\d\d/;
  const { received, ending, error } = await plainRequest('127.0.0.1', port, {
    request: 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    timeoutMs: 3000,
    isAnswer: (text) => statusLine.test(text),
  });
  switch (ending) {
    case 'answer': {
      const status = received.split('\r\n')[0];
      // Some TLS servers answer plaintext with "400 … plain HTTP request was sent to HTTPS port": refused, not served.
      const refusal = /400/.test(status);
      return { answered: !refusal, detail: `plain HTTP to 127.0.0.1:${port} answered ${JSON.stringify(status)}${refusal ? ' (a refusal)' : ''}` };
    }
    case 'timeout':
      return { answered: statusLine.test(received), detail: received ? `got ${JSON.stringify(received.split('\r\n')[0])}` : 'no answer' };
    case 'error':
      return { answered: false, detail: `plain HTTP to 127.0.0.1:${port}: ${error}` };
    case 'close':
      return { answered: false, detail: `plain HTTP to 127.0.0.1:${port}: connection closed without an HTTP answer` };
  }
}

export async function httpTls(ctx: VerificationContext): Promise<Observed> {
  const port = ctx.hostPort(ctx.record.allocation.ports.elasticsearch);
  const [plain, tls, observations] = await Promise.all([plainHttpAnswered(port), hostTlsHandshake(port, ctx.caPem, 'es01'), ctx.nodeObservations()]);
  const evidence = [plain.detail, tls.detail];
  const problems: string[] = [];
  if (plain.answered) problems.push('es01 serves plain HTTP');
  if (!tls.ok) problems.push('no TLS on the published port');
  else {
    evidence.push(`hostname localhost ${tls.localhostVerified ? 'verified' : 'NOT verified'}; hostname es01 ${tls.nameVerified ? 'verified' : 'NOT verified'}`);
    if (!tls.localhostVerified || !tls.nameVerified) problems.push("es01's certificate does not name localhost and es01");
  }
  for (const o of observations) {
    const h = o.httpTls;
    evidence.push(`${o.name} ${o.ip}:9200 from the lab network: ${h?.ok ? `${h.protocol}, hostname ${o.name} ${h.hostnameVerified ? 'verified' : 'NOT verified'}` : `no TLS: ${h?.error}`}`);
    if (!h?.ok) problems.push(tlsFailureSentence(o.name, 9200, h?.error));
    else if (!h.hostnameVerified) problems.push(`${o.name}'s HTTP certificate does not name ${o.name}`);
    else if (h.protocol && !/TLSv1\.[23]/.test(h.protocol)) problems.push(`${o.name} negotiated ${h.protocol}`);
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export async function httpCertificateValid(ctx: VerificationContext): Promise<Observed> {
  const now = ctx.environment.now().getTime();
  const observations = await ctx.nodeObservations();
  const evidence: string[] = [];
  let worst: 'pass' | 'warn' | 'fail' = 'pass';
  const problems: string[] = [];
  for (const o of observations) {
    const h = o.httpTls;
    if (!h?.ok) {
      worst = 'fail';
      problems.push(isUntrustedCertificate(h?.error) ? `${o.name}'s certificate does not verify against the lab CA (${h?.error})` : `${o.name}: no certificate to check (${tlsFailureSentence(o.name, 9200, h?.error)})`);
      continue;
    }
    const daysLeft = Math.floor((Date.parse(h.validTo ?? '') - now) / DAY_MS);
    evidence.push(`${o.name}: chain ${h.chain?.join(' ← ')}; ends at the lab CA: ${h.chainEndsAtCa ? 'yes' : 'no'}; valid until ${h.validTo} (${daysLeft} days)`);
    if (!h.chainEndsAtCa) {
      worst = 'fail';
      problems.push(`${o.name}'s certificate is not from the lab CA`);
    } else if (daysLeft < 0) {
      worst = 'fail';
      problems.push(`${o.name}'s certificate expired`);
    } else if (daysLeft < 30 && worst === 'pass') {
      worst = 'warn';
      problems.push(`${o.name}'s certificate expires in ${daysLeft} days`);
    }
  }
  return { status: worst, evidence: problems.length ? [problems.join('; '), ...evidence] : evidence };
}
