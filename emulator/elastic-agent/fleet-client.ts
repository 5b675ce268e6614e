import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { goTlsErrorMessage, isConnectionRefused } from './go-tls-errors';
import { AGENT_VERSION } from './version';

/** How an agent reaches Fleet Server: FLEET_CA (only that CA is trusted, as Go's RootCAs), FLEET_INSECURE, client cert. */
export interface FleetConnection {
  url: string;
  ca: string;
  insecure: boolean;
  cert: string;
  certKey: string;
  /** false for the co-located Fleet Server's internal endpoint (tlscommon VerifyCertificate: chain only). */
  verifyHostname?: boolean;
}

export class FleetRequestError extends Error {
  constructor(
    message: string,
    readonly kind: 'transport' | 'connection-refused' | 'http',
    readonly statusCode?: number,
    /** The Go transport error alone, e.g. "dial tcp 127.0.0.1:8221: connect: connection refused". */
    readonly goMessage = '',
  ) {
    super(message);
  }
}

export interface FleetResponse {
  statusCode: number;
  body: unknown;
}

/**
 * One JSON request to Fleet Server, as elastic-agent's fleetapi client makes it (User-Agent
 * `Elastic Agent v<version>`, `Authorization: ApiKey …`). Transport failures carry Go's wording:
 * "fail to execute request to fleet-server: x509: certificate signed by unknown authority".
 */
export function fleetRequest(connection: FleetConnection, method: string, path: string, apiKey: string, body?: unknown): Promise<FleetResponse> {
  const url = new URL(path, connection.url.endsWith('/') ? connection.url : connection.url + '/');
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const options: RequestOptions = {
    method,
    headers: {
      'user-agent': `Elastic Agent v${AGENT_VERSION}`,
      authorization: `ApiKey ${apiKey}`,
      'content-type': 'application/json',
      'elastic-api-version': '2023-06-01',
      ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}),
    },
    timeout: 30_000,
  };
  if (url.protocol === 'https:') {
    if (connection.ca) options.ca = readFileSync(connection.ca);
    if (connection.insecure) options.rejectUnauthorized = false;
    if (connection.cert) options.cert = readFileSync(connection.cert);
    if (connection.certKey) options.key = readFileSync(connection.certKey);
    if (connection.verifyHostname === false) options.checkServerIdentity = () => undefined;
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      // A body cut short (the socket destroyed mid-answer) must settle too, or a check-in loop would wait forever: Go says "unexpected EOF".
      res.on('error', () => undefined);
      res.on('close', () => {
        if (!res.complete) reject(new FleetRequestError('fail to execute request to fleet-server: unexpected EOF', 'transport', undefined, 'unexpected EOF'));
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          /* keep text */
        }
        resolve({ statusCode: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error('Client.Timeout exceeded while awaiting headers')));
    req.on('error', (error) => {
      const kind = isConnectionRefused(error) ? 'connection-refused' : 'transport';
      const goMessage = goTlsErrorMessage(error);
      reject(new FleetRequestError(`fail to execute request to fleet-server: ${goMessage}`, kind, undefined, goMessage));
    });
    if (payload) req.write(payload);
    req.end();
  });
}
