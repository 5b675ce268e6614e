import { SeclabError } from '../../../common/errors.ts';
import type { DockerEngineInfo } from '../../../common/docker-engine-info.ts';

/**
 * The one place where "could not connect to the Docker engine" becomes a sentence a person can act
 * on. DockerEngine passes every failed engine request through it, so the CLI, the app and the web
 * UI all say the same thing, naming the engine actually used and how it was found (a Docker
 * context, DOCKER_HOST, a flag, the platform's default socket).
 */

export const ENGINE_NOT_RUNNING = 'DOCKER_UNREACHABLE';
export const ENGINE_ACCESS_DENIED = 'DOCKER_ACCESS_DENIED';

/** Node's errno codes for a connection that never opened (a socket that is missing, closed, or unreachable). */
const NOT_RUNNING_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const ACCESS_DENIED_CODES = new Set(['EACCES', 'EPERM']);
const CONNECT_SYSCALLS = new Set(['connect', 'getaddrinfo']);

interface ConnectError {
  code?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

/** Where the request went, as DOCKER_HOST would write it: the socket path or host and port in the error, else DOCKER_HOST. */
export function engineAddressOf(error: ConnectError, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof error.address === 'string' && error.address.startsWith('/')) return `unix://${error.address}`;
  if (typeof error.address === 'string') return `tcp://${error.address}${error.port ? `:${String(error.port)}` : ''}`;
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  if (typeof error.hostname === 'string') return `tcp://${error.hostname}`;
  return 'unix:///var/run/docker.sock';
}

/**
 * The actionable error for a failed connection to the engine; undefined for any other error (a 404, a 409 …).
 * `engine`: the engine the request went to, as engine-resolution.ts found it; without it, the error's own address.
 */
export function engineConnectionError(error: unknown, env: NodeJS.ProcessEnv = process.env, engine?: DockerEngineInfo, transport?: string): SeclabError | undefined {
  if (error instanceof SeclabError || !error || typeof error !== 'object') return undefined;
  const { code, syscall } = error as ConnectError;
  if (engine && typeof code === 'string') {
    const tls = tlsConnectionError(code, syscall, engine, transport);
    if (tls) return tls;
  }
  if (typeof code !== 'string' || typeof syscall !== 'string' || !CONNECT_SYSCALLS.has(syscall)) return undefined;
  const address = engine?.label ?? engineAddressOf(error as ConnectError, env);
  const elsewhere = engine ? 'choose another engine (seclab --context NAME or --engine URL; `seclab doctor` lists where it looked)' : 'point DOCKER_HOST at an engine';
  if (engine && /^tcp:\/\//.test(engine.address) && NOT_RUNNING_CODES.has(code)) {
    return new SeclabError(ENGINE_NOT_RUNNING, `Nothing answers at ${address} (${code}): check that the engine on that host listens on that port (dockerd -H tcp://…) and that this machine may reach it, or ${elsewhere}`);
  }
  if (ACCESS_DENIED_CODES.has(code)) {
    return new SeclabError(
      ENGINE_ACCESS_DENIED,
      `Permission denied on the Docker engine's socket at ${address}: add yourself to the docker group (\`sudo usermod -aG docker $USER\`), then log out and in again, or ${engine ? elsewhere : 'point DOCKER_HOST at an engine you may use'}`,
    );
  }
  if (NOT_RUNNING_CODES.has(code)) {
    return new SeclabError(ENGINE_NOT_RUNNING, `Docker is not running at ${address}: start it (\`sudo systemctl start docker\`, or open Docker Desktop), or ${elsewhere}`);
  }
  return undefined;
}

/** Node's codes for an engine certificate that does not verify against the CA given (ca.pem). */
const UNTRUSTED_ENGINE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
export const ENGINE_TLS_REFUSED = 'DOCKER_TLS_REFUSED';

/**
 * A TLS engine (tcp:// with DOCKER_TLS_VERIFY, or a context with TLS files) that the connection failed
 * with: its certificate not trusted, or ours refused (an alert, or — TLS 1.3 — the connection closed
 * right after the handshake); a plain-HTTP client that a TLS engine hung up on. Never the key's text.
 */
function tlsConnectionError(code: string, syscall: unknown, engine: DockerEngineInfo, transport: string | undefined): SeclabError | undefined {
  const where = engine.label;
  const files = engine.source === 'context' ? "the context's TLS files (docker context inspect)" : 'DOCKER_CERT_PATH (or ~/.docker)';
  if (transport === 'https') {
    if (UNTRUSTED_ENGINE_CODES.has(code)) {
      return new SeclabError(
        ENGINE_TLS_REFUSED,
        `The engine at ${where} presented a certificate that does not verify (${code}): ca.pem in ${files} must be the CA that signed the engine's certificate, and the certificate must name the host you connect to`,
      );
    }
    if (
      /^ERR_SSL_.*ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|ACCESS_DENIED|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED|DECRYPT_ERROR)/.test(code) ||
      (code === 'ECONNRESET' && syscall === undefined)
    ) {
      return new SeclabError(
        ENGINE_TLS_REFUSED,
        `The engine at ${where} refused the TLS connection${code === 'ECONNRESET' ? ' (it closed it right after the handshake)' : ` (${code})`}: it requires a client certificate signed by its CA — put that certificate and its key as cert.pem and key.pem in ${files}, with DOCKER_TLS_VERIFY=1`,
      );
    }
  }
  if (transport === 'http' && code === 'ECONNRESET' && syscall === undefined && /^tcp:\/\//.test(engine.address)) {
    return new SeclabError(
      ENGINE_NOT_RUNNING,
      `The engine at ${where} closed the connection without an answer: if it uses TLS (port 2376), set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem`,
    );
  }
  return undefined;
}

/** True for the errors engineConnectionError makes: no engine to talk to, so nothing about the lab can be known. */
export function isEngineUnreachable(error: unknown): boolean {
  return error instanceof SeclabError && (error.code === ENGINE_NOT_RUNNING || error.code === ENGINE_ACCESS_DENIED || error.code === ENGINE_TLS_REFUSED || error.code === 'DOCKER_SSH_AUTH_REFUSED');
}

type DialCallback = (error: unknown, result?: unknown) => void;
/** dockerode's modem, as far as this needs it (options stay dockerode's own type: `never` here accepts it). */
type Dial = (options: never, callback?: DialCallback) => unknown;

/** Every request dockerode makes goes through modem.dial: its failures are translated there, once. */
export function translateConnectionErrors(modem: { dial: Dial; protocol?: string }, engine?: DockerEngineInfo): void {
  const dial = modem.dial.bind(modem) as (options: unknown, callback?: DialCallback) => unknown;
  const translated = (options: unknown, callback?: DialCallback) => dial(options, (error, result) => callback?.(error ? (engineConnectionError(error, process.env, engine, modem.protocol) ?? error) : error, result));
  modem.dial = translated as Dial;
}
