import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:http';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';
import { SeclabError } from '../../../common/errors.ts';
import { SSH_IDENTITY_ENV, type SshAuthOptions } from './engine-resolution.ts';

/**
 * One SSH connection to an ssh:// engine's host, shared by everything that goes there: each Docker
 * API request is a `docker system dial-stdio` channel on it (as the docker CLI does over ssh, docker/cli
 * cli/connhelper/connhelper.go), and each connection to a port the lab published on that host's
 * loopback is a direct-tcpip channel (ssh -L) on it. The connection is opened when first needed,
 * opened again after it drops, and holds the process open only while a channel is in use. Past sshd's
 * MaxSessions, API requests go over a further connection.
 */

export interface SshEndpoint {
  host: string;
  port: number;
  username?: string;
}

const READY_TIMEOUT_MS = 20_000;
/**
 * sshd's MaxSessions is 10 by default and counts every session channel of a connection; each API request
 * is one (dial-stdio), and attach streams leave the http.Agent's count. Past this many, another connection.
 */
const MAX_SESSIONS_PER_CONNECTION = 8;

/** The host as ssh:// writes it, for messages. */
export const sshAddress = (endpoint: SshEndpoint) => `ssh://${endpoint.username ? `${endpoint.username}@` : ''}${endpoint.host}${endpoint.port === 22 ? '' : `:${endpoint.port}`}`;

/** A key file ssh2 can use, or why not; never the key's text in a message. */
function readIdentity(auth: SshAuthOptions): { privateKey?: Buffer; skipped?: string } {
  if (!auth.identityFile) return {};
  let key: Buffer;
  try {
    key = readFileSync(auth.identityFile);
  } catch (error) {
    if (auth.identityExplicit)
      throw new SeclabError('SSH_IDENTITY_UNUSABLE', `${SSH_IDENTITY_ENV}=${auth.identityFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): name a private key file you can read`);
    return { skipped: `${auth.identityFile} cannot be read` };
  }
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    // An encrypted key needs its passphrase, which seclab never asks for: the agent holds it unlocked.
    const why = /encrypted|passphrase/i.test(parsed.message) ? 'is protected by a passphrase: load it into ssh-agent (`ssh-add`) and keep SSH_AUTH_SOCK set' : `is not a private key ssh can use (${parsed.message})`;
    if (auth.identityExplicit) throw new SeclabError('SSH_IDENTITY_UNUSABLE', `${SSH_IDENTITY_ENV}=${auth.identityFile} ${why}`);
    return { skipped: `${auth.identityFile} ${why}` };
  }
  return { privateKey: key };
}

/** What went wrong while connecting, as a sentence naming the host and what to do. */
export function sshFailure(error: Error & { level?: string; code?: string }, endpoint: SshEndpoint, auth: SshAuthOptions, skipped?: string): SeclabError {
  if (error instanceof SeclabError) return error;
  const where = sshAddress(endpoint);
  const user = endpoint.username ?? 'the user';
  if (error.level === 'client-authentication') {
    const tried = [auth.agent ? `the ssh agent (SSH_AUTH_SOCK)` : '', auth.identityFile && !skipped ? auth.identityFile : ''].filter(Boolean).join(' and ') || 'no key (no SSH_AUTH_SOCK, no ~/.ssh/id_* file)';
    return new SeclabError(
      'DOCKER_SSH_AUTH_REFUSED',
      `${where} refused the SSH login (tried ${tried}${skipped ? `; ${skipped}` : ''}): add your public key to ${user}'s ~/.ssh/authorized_keys on ${endpoint.host}, load your key with \`ssh-add\`, or name the key file with ${SSH_IDENTITY_ENV}=/path/to/key`,
    );
  }
  if (error.level === 'client-timeout')
    return new SeclabError(
      'DOCKER_UNREACHABLE',
      `${where} did not finish the SSH handshake within ${READY_TIMEOUT_MS / 1000} s: check that \`ssh -p ${endpoint.port} ${endpoint.username ? `${endpoint.username}@` : ''}${endpoint.host}\` works from here`,
    );
  if (error.code && ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(error.code)) {
    return new SeclabError(
      'DOCKER_UNREACHABLE',
      `cannot reach ${where} (${error.code}): check that ${endpoint.host} is up and its sshd listens on port ${endpoint.port}, or choose another engine (--docker-host URL, --context NAME)`,
    );
  }
  return new SeclabError(
    'DOCKER_UNREACHABLE',
    `the SSH connection to ${where} failed (${error.message}): check that \`ssh -p ${endpoint.port} ${endpoint.username ? `${endpoint.username}@` : ''}${endpoint.host} docker version\` works from here`,
  );
}

/** One SSH connection of a session: its socket (ref'd only while a channel is in use) and its session channels. */
interface SshConnection {
  readonly ready: Promise<ssh2.Client>;
  readonly socket: Socket;
  /** Session channels (dial-stdio execs) open or being opened on it. */
  sessions: number;
  /** How many session channels its sshd allows: MAX_SESSIONS_PER_CONNECTION, or fewer once one was refused. */
  sessionLimit: number;
  /** Channels in use, or being opened, that must keep the process running. */
  inUse: number;
}

export class SshEngineSession {
  /** The first carries the tunnels; API requests go to the first with a session channel to spare, else to a new one. */
  private connections: SshConnection[] = [];
  private readonly servers = new Set<Server>();
  /** The connections made to the tunnels here, ended with them. */
  private readonly tunnelSockets = new Set<Socket>();
  private engineSocketPath?: Promise<string | undefined>;
  private streamLocalRefused = false;

  constructor(
    readonly endpoint: SshEndpoint,
    private readonly auth: SshAuthOptions,
  ) {}

  get address(): string {
    return sshAddress(this.endpoint);
  }

  private open(): SshConnection {
    let resolveReady!: (client: ssh2.Client) => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<ssh2.Client>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Our own socket, so that an idle connection can let the process end (unref) and a busy one keep it.
    const socket = netConnect({ host: this.endpoint.host, port: this.endpoint.port });
    const connection: SshConnection = { ready, socket, sessions: 0, sessionLimit: MAX_SESSIONS_PER_CONNECTION, inUse: 0 };
    this.connections.push(connection);
    let identity: ReturnType<typeof readIdentity> = {};
    let isReady = false;
    const dropped = () => {
      this.connections = this.connections.filter((other) => other !== connection);
    };
    const failed = (error: Error & { level?: string; code?: string }) => {
      dropped();
      if (!isReady) rejectReady(sshFailure(error, this.endpoint, this.auth, identity.skipped));
    };
    // Nobody may be waiting yet; every user awaits `ready` and gets the error then.
    ready.catch(() => undefined);
    socket.on('error', failed);
    try {
      identity = readIdentity(this.auth);
    } catch (error) {
      socket.destroy();
      failed(error as Error);
      return connection;
    }
    const client = new ssh2.Client();
    client.on('ready', () => {
      isReady = true;
      this.updateRef(connection);
      resolveReady(client);
    });
    client.on('error', failed);
    client.on('close', dropped);
    const config: ConnectConfig = {
      sock: socket,
      username: this.endpoint.username ?? process.env.USER ?? 'root',
      readyTimeout: READY_TIMEOUT_MS,
      // No keepalive: ssh2's keepalive timer is never unref'd, so it would hold every CLI command open; a dropped connection is opened again.
      ...(this.auth.agent ? { agent: this.auth.agent } : {}),
      ...(identity.privateKey ? { privateKey: identity.privateKey } : {}),
    };
    client.connect(config);
    return connection;
  }

  /** The process stays alive for a connection only while a channel is open on it. */
  private updateRef(connection: SshConnection): void {
    if (connection.inUse > 0) connection.socket.ref();
    else connection.socket.unref();
  }

  /** Holds the process open while a channel is being opened (a connection is unref'd while idle); call the result when done. */
  private hold(connection: SshConnection): () => void {
    connection.inUse++;
    this.updateRef(connection);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      connection.inUse--;
      this.updateRef(connection);
    };
  }

  /** Counts `channel` as in use until it closes or is let go with the returned `idle` (and taken up again with `busy`). */
  private track(connection: SshConnection, channel: ClientChannel): { busy: () => void; idle: () => void } {
    let counted = false;
    let closed = false;
    const busy = () => {
      if (counted || closed) return;
      counted = true;
      connection.inUse++;
      this.updateRef(connection);
    };
    const idle = () => {
      if (!counted) return;
      counted = false;
      connection.inUse--;
      this.updateRef(connection);
    };
    channel.once('close', () => {
      idle();
      closed = true;
    });
    busy();
    return { busy, idle };
  }

  /** A connection with a session channel to spare, that channel reserved: sshd refuses sessions past its MaxSessions. */
  private reserveSession(): SshConnection {
    const connection = this.connections.find((candidate) => candidate.sessions < candidate.sessionLimit) ?? this.open();
    connection.sessions++;
    return connection;
  }

  /** `docker system dial-stdio` as a session channel; on a connection whose sshd refused one more, again on another. */
  private async execDialStdio(): Promise<{ connection: SshConnection; channel: ClientChannel }> {
    for (;;) {
      const connection = this.reserveSession();
      const release = this.hold(connection);
      try {
        const client = await connection.ready;
        const channel = await new Promise<ClientChannel>((resolve, reject) => client.exec('docker system dial-stdio', (error, stream) => (error ? reject(error) : resolve(stream))));
        channel.once('close', () => connection.sessions--);
        return { connection, channel };
      } catch (error) {
        connection.sessions--;
        const refused = (error as { reason?: unknown }).reason !== undefined && connection.sessions > 0;
        if (!refused) throw sshFailure(error as Error, this.endpoint, this.auth);
        // This host's sshd allows fewer sessions per connection (MaxSessions): use that many here, the rest elsewhere.
        connection.sessionLimit = connection.sessions;
      } finally {
        release();
      }
    }
  }

  /**
   * The Unix socket the host's docker CLI reaches its engine on (`/var/run/docker.sock`, or whatever
   * DOCKER_HOST or the current context names there), asked once per session; undefined when the engine
   * there is not on a socket or the CLI cannot say.
   */
  private engineSocket(): Promise<string | undefined> {
    this.engineSocketPath ??= this.runOnHost("docker context inspect --format '{{.Endpoints.docker.Host}}'").then(
      // The host's shell may print its own lines first: the answer is the last one.
      (output) => /^unix:\/\/(\/\S+)$/.exec(output.trim().split('\n').pop() ?? '')?.[1],
      () => undefined,
    );
    return this.engineSocketPath;
  }

  /** A command on the host as a session channel; resolves to its stdout once it exits 0. */
  private async runOnHost(command: string): Promise<string> {
    const connection = this.reserveSession();
    const release = this.hold(connection);
    try {
      const client = await connection.ready;
      return await new Promise<string>((resolve, reject) =>
        client.exec(command, (error, channel) => {
          if (error) return reject(error);
          let stdout = '';
          channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
          channel.stderr.resume();
          let exitCode: number | null = null;
          channel.on('exit', (code: number | null) => (exitCode = code));
          // Settled once the channel has closed, not at its exit status, so that no socket channel opens while it closes.
          channel.on('close', () => (exitCode === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${exitCode}`))));
        }),
      );
    } finally {
      connection.sessions--;
      release();
    }
  }

  /** A channel to a Unix socket on the host (`ssh -L local:/var/run/docker.sock`): not a session, so no process starts there. */
  private async forwardToSocket(socketPath: string): Promise<Duplex> {
    const connection = this.connections[0] ?? this.open();
    const release = this.hold(connection);
    try {
      const client = await connection.ready;
      const channel = await new Promise<ClientChannel>((resolve, reject) => client.openssh_forwardOutStreamLocal(socketPath, (error, stream) => (error ? reject(error) : resolve(stream))));
      const use = this.track(connection, channel);
      Object.assign(channel, { ref: () => (use.busy(), channel), unref: () => (use.idle(), channel) });
      return channel;
    } finally {
      release();
    }
  }

  /**
   * A stream to the remote engine's API: a channel to the engine's socket on the host where its sshd
   * forwards to sockets (AllowStreamLocalForwarding, on by default), else `docker system dial-stdio` there,
   * as the docker CLI does. Each dial-stdio is a session, so a process on the host started by the user's
   * login shell, which reads its rc files first: a second and more each on a host whose .bashrc sets up a
   * toolchain, and a check run opens about twenty connections.
   */
  async dialEngine(): Promise<Duplex> {
    const socketPath = this.streamLocalRefused ? undefined : await this.engineSocket();
    if (socketPath) {
      try {
        return await this.forwardToSocket(socketPath);
      } catch (error) {
        // The host's sshd forwards no socket (AllowStreamLocalForwarding no), or refused this one: dial-stdio from now on.
        if (error instanceof SeclabError) throw error;
        this.streamLocalRefused = true;
      }
    }
    const { connection, channel } = await this.execDialStdio();
    const use = this.track(connection, channel);
    // Node's http.Agent unrefs a kept-alive socket while it waits for its next request and refs it when reused.
    Object.assign(channel, { ref: () => (use.busy(), channel), unref: () => (use.idle(), channel) });
    let stderr = '';
    channel.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-500)));
    channel.on('exit', (code: number | null) => {
      if (code) {
        channel.emit(
          'error',
          new SeclabError(
            'DOCKER_UNREACHABLE',
            `\`docker system dial-stdio\` on ${this.address} exited with ${code}${stderr.trim() ? ` (${stderr.trim()})` : ''}: the docker CLI must be installed on ${this.endpoint.host} and its user allowed to use the engine (\`docker version\` run there over ssh must work)`,
          ),
        );
        channel.close();
      }
    });
    return channel;
  }

  /**
   * An http.Agent whose every connection is a dial-stdio channel on this session, for dockerode.
   * Kept alive between requests: starting `docker system dial-stdio` on the host costs a process each time.
   */
  dockerAgent(): Agent {
    // No maxSockets: a request the agent queued for a socket could wait forever. Its count of sockets in use
    // is kept by the sockets' events, and channels that a hijacked stream (attach, exec) took or that closed
    // while it made new ones for waiting requests left it believing all were in use: over ssh:// a one-shot's
    // exit wait, asked right after its attach, never left the queue (1 run in 4 of ssh-engine.test.ts). The
    // sessions are limited where the host limits them (reserveSession); socket channels need no limit.
    const agent = new Agent({ keepAlive: true } as AgentOptions);
    (agent as unknown as { createConnection: (options: unknown, callback: (error: Error | null, socket?: Duplex) => void) => void }).createConnection = (_options, callback) => {
      this.dialEngine().then(
        (stream) => callback(null, withSocketMethods(stream)),
        (error: Error) => callback(error),
      );
    };
    // docker-modem inspects each request's options in full (`util.inspect(options, {showHidden, depth: null})`
    // in Modem.buildRequest, even with its debug log off): through this agent's sockets that is the whole SSH
    // client, seconds of CPU per request that stall the tunnels. It sees this line instead, and no key material.
    Object.defineProperty(agent, inspect.custom, { value: () => `[SSH engine agent ${this.address}]` });
    return agent;
  }

  /**
   * Listens on this machine's 127.0.0.1 and carries each connection to `remotePort` on the engine
   * host's 127.0.0.1 (ssh -L). Resolves to the local port: any free one, or with `samePort` the same
   * number when it is free here (a tunnel a person keeps open), else any free one. Never the same
   * number otherwise: the engine host may be this machine, whose engine has yet to publish that port.
   */
  async forward(remotePort: number, samePort = false): Promise<number> {
    const server = createServer((local) => {
      local.pause();
      this.tunnelSockets.add(local);
      local.once('close', () => this.tunnelSockets.delete(local));
      // direct-tcpip channels are not sessions (no MaxSessions): the first connection carries them all.
      const connection = this.connections[0] ?? this.open();
      const release = this.hold(connection);
      connection.ready
        .then((client) => new Promise<ClientChannel>((resolve, reject) => client.forwardOut('127.0.0.1', local.remotePort ?? 0, '127.0.0.1', remotePort, (error, channel) => (error ? reject(error) : resolve(channel)))))
        .then(
          (channel) => {
            release();
            // Never what keeps a process running: whoever made the connection here holds its own end open.
            local.unref();
            local.pipe(channel).pipe(local);
            local.resume();
            local.on('error', () => channel.close());
            local.on('close', () => channel.close());
            channel.on('error', () => local.destroy());
            channel.on('close', () => local.destroy());
          },
          () => {
            release();
            local.destroy();
          },
        );
    });
    const listen = (port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    const port = samePort ? await listen(remotePort).catch(() => listen(0)) : await listen(0);
    // A listening tunnel alone does not keep a CLI command running; the app keeps itself running.
    server.unref();
    this.servers.add(server);
    return port;
  }

  /** Closes every tunnel and connection. */
  async close(): Promise<void> {
    // Everything here is unref'd: without this, a process with nothing else to do would end mid-close (exit code 13, an unsettled await).
    const closing = setInterval(() => undefined, 1000);
    try {
      for (const local of this.tunnelSockets) local.destroy();
      this.tunnelSockets.clear();
      await Promise.all([...this.servers].map((server) => new Promise((resolve) => server.close(resolve))));
      this.servers.clear();
      const connections = this.connections;
      this.connections = [];
      await Promise.all(connections.map(async (connection) => (await connection.ready.catch(() => undefined))?.end()));
    } finally {
      clearInterval(closing);
    }
  }
}

/** Node's http client calls these on its socket; an SSH channel has none of them and needs none. */
function withSocketMethods(stream: Duplex): Duplex {
  const socket = stream as Duplex & Record<string, unknown>;
  for (const method of ['setNoDelay', 'setKeepAlive', 'ref', 'unref']) socket[method] ??= () => socket;
  socket.setTimeout ??= (ms: number, callback?: () => void) => {
    if (callback) stream.once('timeout', callback);
    return socket;
  };
  return stream;
}

/** The session for an ssh:// engine, undefined for any other. */
export function sshSessionFor(resolved: { options: { protocol?: string; host?: string; port?: number; username?: string; sshOptions?: SshAuthOptions } }): SshEngineSession | undefined {
  const { protocol, host, port, username, sshOptions } = resolved.options;
  if (protocol !== 'ssh' || !host) return undefined;
  return new SshEngineSession({ host, port: port ?? 22, ...(username ? { username } : {}) }, sshOptions ?? {});
}
