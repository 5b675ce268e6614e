/**
 * Runs inside a short-lived probe container on the lab's network (or in an Elasticsearch
 * node's own network stack), because ports 9300 — and every node's 9200 but es01's — are not
 * published. Reads its task as JSON on stdin, prints its observations as JSON on stdout.
 * Plain Node built-ins only: it is bundled and passed to `node -e`.
 */
import { connect as tlsConnect, checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { plainRequest } from './plain-request.ts';
import { X509Certificate } from 'node:crypto';
import { readTaskLine } from './task-line.ts';

export interface ProbeTask {
  caPem: string;
  client?: { certPem: string; keyPem: string };
  nodes: Array<{ name: string; ip: string }>;
  timeoutMs: number;
  /** Only the "can this address reach HTTP at all" question (the IP-filter probe). */
  reachOnly?: boolean;
}

export interface TlsObservation {
  ok: boolean;
  error?: string;
  protocol?: string;
  chain?: string[];
  chainEndsAtCa?: boolean;
  hostnameVerified?: boolean;
  validTo?: string;
}

export interface NodeObservation {
  name: string;
  ip: string;
  transportPlaintext?: { answered: boolean; detail: string };
  transportWithClientCertificate?: TlsObservation;
  transportWithoutClientCertificate?: { refused: boolean; detail: string };
  httpTls?: TlsObservation;
  /** `tcpConnected`: the TCP handshake completed (a node is listening), whatever happened after it. */
  httpReach?: { connected: boolean; detail: string; tcpConnected?: boolean };
}

function describeChain(peer: PeerCertificate, caPem: string): { chain: string[]; endsAtCa: boolean } {
  const ca = new X509Certificate(caPem);
  const chain: string[] = [];
  let current: PeerCertificate | undefined = peer;
  let endsAtCa = false;
  const seen = new Set<string>();
  while (current && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(`${current.subject?.CN ?? '?'} (issuer ${current.issuer?.CN ?? '?'})`);
    if (current.fingerprint256 === ca.fingerprint256) endsAtCa = true;
    const next: PeerCertificate | undefined = (current as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
    if (!next || next === current) break;
    current = next;
  }
  if (!endsAtCa && peer.raw) {
    try {
      endsAtCa = new X509Certificate(peer.raw).verify(ca.publicKey);
    } catch {
      endsAtCa = false;
    }
  }
  return { chain, endsAtCa };
}

function tlsObserve(ip: string, port: number, servername: string, task: ProbeTask, withClientCertificate: boolean): Promise<TlsObservation> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: TlsObservation, socket?: TLSSocket) => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      resolve(result);
    };
    const socket = tlsConnect({
      host: ip,
      port,
      servername,
      ca: task.caPem,
      cert: withClientCertificate ? task.client?.certPem : undefined,
      key: withClientCertificate ? task.client?.keyPem : undefined,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(task.timeoutMs, () => done({ ok: false, error: `no TLS handshake within ${task.timeoutMs} ms` }, socket));
    let accepted: (() => void) | undefined;
    let ticketed = false;
    // A session ticket is sent once the server has checked the client's Finished (and its certificate).
    socket.on('session', () => {
      ticketed = true;
      accepted?.();
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      const { chain, endsAtCa } = describeChain(peer, task.caPem);
      const identityError = checkServerIdentity(servername, peer);
      accepted = () => done({ ok: true, protocol: socket.getProtocol() ?? undefined, chain, chainEndsAtCa: endsAtCa, hostnameVerified: !identityError, validTo: peer.valid_to }, socket);
      // TLS 1.3 reports a refused client certificate only after the handshake: wait for the server's
      // verdict, a session ticket (accepted) or an alert (refused), else 300 ms without an alert.
      if (ticketed) accepted();
      else setTimeout(accepted, 300);
    });
    socket.once('error', (error) => done({ ok: false, error: (error as NodeJS.ErrnoException).code ? `${(error as NodeJS.ErrnoException).code}: ${error.message}` : error.message }, socket));
    socket.once('close', () => done({ ok: false, error: 'connection closed during the handshake' }));
  });
}

/** A TLS client with no certificate: the server must refuse it (alert or close), not serve it. */
function withoutClientCertificate(ip: string, port: number, task: ProbeTask): Promise<{ refused: boolean; detail: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (refused: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ refused, detail });
    };
    const socket = tlsConnect({ host: ip, port, ca: task.caPem, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    let secured = false;
    let protocol: string | null = null;
    socket.setTimeout(task.timeoutMs, () => done(false, `the connection stayed open for ${task.timeoutMs} ms without a client certificate`));
    socket.once('secureConnect', () => {
      secured = true;
      protocol = socket.getProtocol();
      socket.write(Buffer.from('ping\n'));
      setTimeout(() => done(false, `handshake completed (${socket.getProtocol()}) and the connection stayed open without a client certificate`), 1500);
    });
    // TLS 1.3 servers refuse a missing client certificate with an alert just after the client's handshake ends.
    // Once the handshake has completed, only such a TLS alert is a refusal: a server that accepted the
    // certificate-less client and then closed on our bytes (not its protocol) did not ask for a certificate.
    const tlsAlert = (error: NodeJS.ErrnoException) => /ALERT|CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE/i.test(`${error.code ?? ''} ${error.message}`);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const detail = `${error.code ?? ''} ${error.message}`.trim();
      if (!secured || tlsAlert(error)) done(true, `refused: ${detail}`);
      else done(false, `handshake completed (${protocol}) without a client certificate; the connection then ended with ${detail}, not a TLS alert`);
    });
    socket.once('close', () =>
      secured
        ? done(false, `handshake completed (${protocol}) without a client certificate; the server closed the connection only after application data, with no TLS alert`)
        : done(true, 'refused: the server closed the connection during the handshake'),
    );
  });
}

async function plaintextProbe(ip: string, port: number, timeoutMs: number): Promise<{ answered: boolean; detail: string }> {
  const isHttp = (text: string) => /^HTTP\//.test(text);
  const { received, ending, error } = await plainRequest(ip, port, { request: 'GET / HTTP/1.1\r\nHost: probe\r\n\r\n', timeoutMs, isAnswer: isHttp });
  switch (ending) {
    case 'answer':
      return { answered: true, detail: `answered in plaintext: ${JSON.stringify(received.split('\r\n')[0])}` };
    case 'timeout':
      return { answered: received.length > 0 && isHttp(received), detail: received ? `answered: ${JSON.stringify(received.slice(0, 60))}` : 'no plaintext answer (timed out)' };
    case 'error':
      return { answered: false, detail: `no plaintext answer: ${error}` };
    case 'close':
      return { answered: isHttp(received), detail: received ? `closed after ${received.length} bytes that are not HTTP` : 'closed without a plaintext answer' };
  }
}

function reach(ip: string, port: number, task: ProbeTask): Promise<{ connected: boolean; detail: string; tcpConnected: boolean }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: ip, port, ca: task.caPem, rejectUnauthorized: false });
    let settled = false;
    // An IP filter accepts the TCP connection and then drops it; a node that is down never completes the TCP handshake.
    let tcpConnected = false;
    socket.once('connect', () => {
      tcpConnected = true;
    });
    const done = (connected: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ connected, detail, tcpConnected });
    };
    socket.setTimeout(task.timeoutMs, () => done(false, `no answer within ${task.timeoutMs} ms`));
    socket.once('secureConnect', () => {
      socket.write(`GET / HTTP/1.1\r\nHost: ${ip}\r\nConnection: close\r\n\r\n`);
    });
    let body = '';
    socket.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
      if (body.includes('\r\n')) done(true, `HTTP answered: ${body.split('\r\n')[0]}`);
    });
    socket.once('error', (error) => done(false, `connection refused or reset: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    socket.once('close', () => done(body.length > 0, body ? `answered ${body.split('\r\n')[0]}` : 'the server closed the connection before TLS'));
  });
}

async function observeNode(node: { name: string; ip: string }, task: ProbeTask): Promise<NodeObservation> {
  if (task.reachOnly) return { name: node.name, ip: node.ip, httpReach: await reach(node.ip, 9200, task) };
  const [transportPlaintext, transportWithClientCertificate, transportWithoutClientCertificate, httpTls] = await Promise.all([
    plaintextProbe(node.ip, 9300, task.timeoutMs),
    tlsObserve(node.ip, 9300, node.name, task, true),
    withoutClientCertificate(node.ip, 9300, task),
    tlsObserve(node.ip, 9200, node.name, task, false),
  ]);
  return { name: node.name, ip: node.ip, transportPlaintext, transportWithClientCertificate, transportWithoutClientCertificate, httpTls };
}

async function main(): Promise<void> {
  const task = JSON.parse(await readTaskLine()) as ProbeTask;
  const observations = await Promise.all(task.nodes.map((node) => observeNode(node, task)));
  // Exit as soon as the answer is out: a refused probe's grace timers would otherwise hold the process open.
  process.stdout.write(`${JSON.stringify(observations)}\n`, () => process.exit(0));
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ probeError: (error as Error).message })}\n`);
  process.exit(1);
});
