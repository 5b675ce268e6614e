import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { resolveEngineHere } from '../../main/core/docker/engine-resolution.ts';

/**
 * A Docker engine "over TCP with TLS" for the remote-engine tests: a TLS server on 127.0.0.1 with a CA
 * of its own that requires a client certificate signed by it (as dockerd --tlsverify does), relaying
 * each connection to the local engine's socket. Writes the client's files as the docker CLI reads
 * them (DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem), and a second set signed by another CA.
 */
export interface TlsEngineProxy {
  port: number;
  /** ca.pem, cert.pem, key.pem for DOCKER_CERT_PATH. */
  certPath: string;
  /** The same files, but cert.pem/key.pem from a CA the proxy does not trust. */
  untrustedCertPath: string;
  caPem: string;
  /** Connections whose client certificate was verified, then relayed. */
  relayed(): number;
  close(): Promise<void>;
}

interface Issued {
  certPem: string;
  keyPem: string;
}

function keyPair(): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 2048 });
}

function certificate(subject: string, keys: forge.pki.rsa.KeyPair, issuer: { cert?: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, extensions: object[], serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : [{ name: 'commonName', value: subject }]);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

function authority(name: string): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const keys = keyPair();
  const cert = certificate(
    name,
    keys,
    { key: keys.privateKey },
    [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ],
    '01',
  );
  return { cert, key: keys.privateKey };
}

function issue(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, subject: string, usage: 'server' | 'client', serial: string): Issued {
  const keys = keyPair();
  const extensions: object[] = [{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true }, usage === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true }];
  if (usage === 'server')
    extensions.push({
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    });
  const cert = certificate(subject, keys, ca, extensions, serial);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** The local engine's socket, found as seclab finds it with no DOCKER_HOST (the platform's default sockets). */
export function localEngineSocket(): string {
  const env = { ...process.env };
  for (const name of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[name];
  const socketPath = resolveEngineHere(env).options.socketPath;
  if (!socketPath) throw new Error('the local engine is not on a socket: the TLS proxy relays to a socket');
  return socketPath;
}

export async function startTlsEngineProxy(): Promise<TlsEngineProxy> {
  const ca = authority('seclab test engine CA');
  const stranger = authority('a CA the engine does not trust');
  const server = issue(ca, 'engine', 'server', '02');
  const client = issue(ca, 'seclab client', 'client', '03');
  const strangerClient = issue(stranger, 'seclab client', 'client', '04');
  const caPem = forge.pki.certificateToPem(ca.cert);
  const folder = mkdtempSync(join(tmpdir(), 'seclab-tls-engine-'));
  const certPath = join(folder, 'client');
  const untrustedCertPath = join(folder, 'untrusted');
  for (const [path, files] of [
    [certPath, client],
    [untrustedCertPath, strangerClient],
  ] as const) {
    mkdirSync(path, { mode: 0o700 });
    writeFileSync(join(path, 'ca.pem'), caPem);
    writeFileSync(join(path, 'cert.pem'), files.certPem);
    writeFileSync(join(path, 'key.pem'), files.keyPem, { mode: 0o600 });
  }
  const socketPath = localEngineSocket();
  const open = new Set<Socket>();
  let relayed = 0;
  const tls: Server = createServer(
    {
      key: server.keyPem,
      cert: server.certPem,
      ca: caPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      // As dockerd: a client that closes its side (a one-shot's stdin, sent whole) still reads the answer.
      allowHalfOpen: true,
    },
    (secure: TLSSocket) => {
      relayed += 1;
      const engine = connect(socketPath);
      for (const socket of [secure, engine] as Socket[]) {
        open.add(socket);
        socket.on('close', () => open.delete(socket));
        socket.on('error', () => undefined);
      }
      secure.pipe(engine).pipe(secure);
      secure.on('close', () => engine.destroy());
      engine.on('close', () => secure.destroy());
    },
  );
  tls.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  const { port } = tls.address() as { port: number };
  return {
    port,
    certPath,
    untrustedCertPath,
    caPem,
    relayed: () => relayed,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => tls.close(resolve));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
