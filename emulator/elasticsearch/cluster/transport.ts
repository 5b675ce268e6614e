import { connect as netConnect, createServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { EventEmitter } from 'node:events';
import type { ServerLogger } from '../logging.js';
import { Loggers } from '../logging.js';
import type { SslMaterial } from '../tls/tls-material.js';
import { hostnameMismatch, presentedChain, trustFailureDiagnostic, verifyChain } from '../tls/trust.js';
import type { DiscoveryNode } from './cluster-state.js';
import { describeNode } from './discovery-node.js';

/**
 * Node-to-node transport: real TLS (mutual by default) on the wire, then newline-delimited JSON messages.
 * Only the TLS behaviour is meant to match ES; the message protocol is the emulator's own.
 */
export interface Hello {
  node: DiscoveryNode;
  clusterName: string;
}

type Message =
  { t: 'hello'; hello: Hello } | { t: 'welcome'; hello: Hello } | { t: 'alert'; alert: string } | { t: 'req'; id: number; action: string; body: unknown } | { t: 'res'; id: number; body?: unknown; error?: string };

export type RequestHandler = (connection: TransportConnection, action: string, body: unknown) => Promise<unknown>;

export class TransportConnection extends EventEmitter {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  peer: Hello | undefined;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly onMessage: (connection: TransportConnection, message: Message) => void,
  ) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (!line) continue;
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        this.socket.destroy();
        return;
      }
      if (message.t === 'res') {
        const waiter = this.pending.get(message.id);
        if (!waiter) continue;
        this.pending.delete(message.id);
        clearTimeout(waiter.timer);
        if (message.error !== undefined) waiter.reject(new Error(message.error));
        else waiter.resolve(message.body);
      } else this.onMessage(this, message);
    }
  }

  send(message: Message): void {
    if (!this.closed) this.socket.write(JSON.stringify(message) + '\n');
  }

  request<T = unknown>(action: string, body: unknown, timeoutMs: number): Promise<T> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`[${action}] request timed out after [${timeoutMs}ms]`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.send({ t: 'req', id, action, body });
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('connection closed'));
    }
    this.pending.clear();
    this.emit('close');
  }
}

export interface TransportOptions {
  logger: ServerLogger;
  material: SslMaterial | undefined;
  localHello: () => Hello;
  acceptConnection: (socket: Socket) => boolean;
  handleRequest: RequestHandler;
  /** Source address for outgoing connections: the bind address, so peers see this node's own IP (one IP per container). */
  localAddress?: string;
}

function channelName(socket: Socket): string {
  return `Netty4TcpChannel{localAddress=/${socket.localAddress}:${socket.localPort}, remoteAddress=/${socket.remoteAddress}:${socket.remotePort}, profile=default}`;
}

export class TransportService {
  private server: Server | undefined;
  private readonly secureContext: SecureContext | undefined;

  constructor(private readonly options: TransportOptions) {
    const material = options.material;
    if (material) {
      this.secureContext = createSecureContext({
        key: material.keyPem,
        passphrase: material.settings.keyPassphrase,
        cert: material.certificatePem,
        ca: material.trustedPem.length > 0 ? material.trustedPem : undefined,
        minVersion: 'TLSv1.2',
      });
    }
  }

  listen(host: string, port: number): Promise<{ address: string; port: number }> {
    this.server = createServer((raw) => this.accept(raw));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => {
        const address = this.server!.address();
        if (address && typeof address === 'object') resolve({ address: address.address, port: address.port });
      });
    });
  }

  close(): void {
    this.server?.close();
  }

  private accept(raw: Socket): void {
    const { logger, material } = this.options;
    if (!this.options.acceptConnection(raw)) {
      raw.destroy();
      return;
    }
    if (!material) {
      this.serve(raw);
      return;
    }
    const clientAuthentication = material.settings.clientAuthentication;
    const socket = new TLSSocket(raw, {
      isServer: true,
      secureContext: this.secureContext,
      requestCert: clientAuthentication !== 'none',
      // With `required`, OpenSSL itself aborts a handshake without a client certificate (alert 116 in TLS 1.3).
      rejectUnauthorized: clientAuthentication === 'required',
    });
    const name = channelName(raw);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|http request|wrong version/i.test(`${error.code} ${error.message}`)) {
        logger.warn(Loggers.securityTransport, `received plaintext traffic on an encrypted channel, closing connection ${name}`);
      } else if (error.code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') {
        logger.warn(Loggers.securityTransport, `exception caught on transport layer [${name}], closing connection`, {
          'error.type': 'javax.net.ssl.SSLHandshakeException',
          'error.message': 'Empty client certificate chain',
        });
      }
    });
    socket.on('secure', () => {
      const chain = presentedChain(socket);
      const mustVerify = material.settings.verificationMode !== 'none' && clientAuthentication !== 'none' && (chain.length > 0 || clientAuthentication === 'required');
      if (mustVerify) {
        const verdict = verifyChain(chain, material.trusted, new Date());
        if (!verdict.trusted) {
          logger.warn(
            Loggers.sslService,
            trustFailureDiagnostic({
              peerRole: 'client',
              peerAddress: raw.remoteAddress ?? '',
              chain,
              trusted: material.trusted,
              contextName: material.settings.prefix,
              cipher: socket.getCipher()?.standardName,
              protocol: socket.getProtocol(),
            }),
          );
          socket.write(JSON.stringify({ t: 'alert', alert: 'certificate_unknown' }) + '\n');
          socket.end();
          setTimeout(() => socket.destroy(), 200).unref();
          return;
        }
      }
      this.serve(socket, name);
    });
  }

  private serve(socket: Socket, name = channelName(socket)): void {
    const { logger } = this.options;
    new TransportConnection(socket, (connection, message) => {
      if (message.t === 'hello') {
        connection.peer = message.hello;
        connection.send({ t: 'welcome', hello: this.options.localHello() });
      } else if (message.t === 'alert') {
        // What SecurityTransportExceptionHandler logs when the peer's TLS stack refused our certificate.
        logger.warn(Loggers.securityTransport, `client did not trust this server's certificate, closing connection ${name}`);
        connection.close();
      } else if (message.t === 'req') {
        this.options
          .handleRequest(connection, message.action, message.body)
          .then((body) => connection.send({ t: 'res', id: message.id, body }))
          .catch((error: Error) => connection.send({ t: 'res', id: message.id, error: error.message }));
      }
    });
  }

  /** Dials a peer, checks its certificate like the JDK would for ES, and exchanges hellos. */
  connect(host: string, port: number, timeoutMs = 3000): Promise<TransportConnection> {
    const { logger, material } = this.options;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`connect_timeout[${timeoutMs}ms]`)), timeoutMs);
      const socket: Socket = material
        ? tlsConnect({
            socket: netConnect({ host, port, localAddress: this.options.localAddress }),
            secureContext: this.secureContext,
            servername: isIP(host) ? undefined : host,
            rejectUnauthorized: false,
            checkServerIdentity: () => undefined,
            minVersion: 'TLSv1.2',
          })
        : netConnect({ host, port, localAddress: this.options.localAddress });
      socket.on('error', (error) => fail(error));
      const start = () => {
        const connection = new TransportConnection(socket, (conn, message) => {
          if (message.t === 'welcome') {
            clearTimeout(timer);
            const local = this.options.localHello();
            if (message.hello.clusterName !== local.clusterName) {
              const reason = `handshake with [${describeNode(message.hello.node)}] failed: remote cluster name [${message.hello.clusterName}] does not match local cluster name [${local.clusterName}]`;
              logger.warn(Loggers.handshaker, reason);
              conn.close();
              fail(new Error(reason));
              return;
            }
            conn.peer = message.hello;
            settled = true;
            resolve(conn);
          } else if (message.t === 'alert') {
            fail(new Error(`javax.net.ssl.SSLHandshakeException: Received fatal alert: ${message.alert}`));
          } else if (message.t === 'req') {
            this.options
              .handleRequest(conn, message.action, message.body)
              .then((body) => conn.send({ t: 'res', id: message.id, body }))
              .catch((error: Error) => conn.send({ t: 'res', id: message.id, error: error.message }));
          }
        });
        connection.once('close', () => fail(new Error('connection closed during handshake')));
        connection.send({ t: 'hello', hello: this.options.localHello() });
      };
      if (!material) {
        socket.once('connect', start);
        return;
      }
      socket.once('secureConnect', () => {
        const tlsSocket = socket as TLSSocket;
        if (material.settings.verificationMode !== 'none') {
          const chain = presentedChain(tlsSocket);
          const verdict = verifyChain(chain, material.trusted, new Date());
          const mismatch = verdict.trusted && material.settings.verificationMode === 'full' && chain[0] ? hostnameMismatch(host, chain[0]) : undefined;
          if (!verdict.trusted || mismatch) {
            const diagnostic = trustFailureDiagnostic({
              peerRole: 'server',
              peerAddress: host,
              chain,
              trusted: material.trusted,
              contextName: material.settings.prefix,
              cipher: tlsSocket.getCipher()?.standardName,
              protocol: tlsSocket.getProtocol(),
              extra: mismatch,
            });
            logger.warn(Loggers.sslService, diagnostic);
            // Tell the peer, as the JDK's certificate_unknown alert would, then let the write flush.
            settled = true;
            clearTimeout(timer);
            socket.end(JSON.stringify({ t: 'alert', alert: 'certificate_unknown' }) + '\n');
            setTimeout(() => socket.destroy(), 200).unref();
            reject(new Error(diagnostic));
            return;
          }
        }
        start();
      });
    });
  }
}
