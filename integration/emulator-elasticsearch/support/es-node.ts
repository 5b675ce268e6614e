import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export { freeLoopbackPort as freePort } from '../../support/free-port.ts';

export function makeEsHome(prefix: string): string {
  const home = mkdtempSync(join(tmpdir(), `seclab-es-${prefix}-`));
  for (const dir of ['config', 'data', 'logs']) mkdirSync(join(home, dir), { recursive: true });
  return home;
}

export function writeSettings(esHome: string, settings: Record<string, unknown>): void {
  writeFileSync(join(esHome, 'config', 'elasticsearch.yml'), stringify(settings));
}

/** A node run as a host process; every test-started process is killed by its own PID. */
export class EsProcess {
  readonly output: string[] = [];
  exitCode: number | null = null;
  private readonly exited: Promise<number | null>;
  readonly child: ChildProcess;

  constructor(
    readonly esHome: string,
    env: Record<string, string> = {},
    args: string[] = [],
    entry = 'main.ts',
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'emulator/elasticsearch', entry), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ES_HOME: esHome, SECLAB_EMULATOR_TEST_ALLOW_ROOT: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolveExit) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolveExit(code);
      }),
    );
  }

  text(): string {
    return this.output.join('\n');
  }

  /** JSON log lines' messages (non-JSON lines, e.g. stderr, are returned as they are). */
  messages(): string[] {
    return this.output.map((line) => {
      try {
        return (JSON.parse(line) as { message: string }).message;
      } catch {
        return line;
      }
    });
  }

  async waitForLog(pattern: RegExp, timeoutMs = 15000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.messages().find((message) => pattern.test(message));
      if (line) return line;
      if (this.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`log ${pattern} not seen within ${timeoutMs}ms; exit=${this.exitCode}; output:\n${this.text().slice(-4000)}`);
  }

  waitForExit(timeoutMs = 15000): Promise<number | null> {
    return Promise.race([this.exited, new Promise<number | null>((_, reject) => setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs}ms:\n${this.text().slice(-3000)}`)), timeoutMs))]);
  }

  async stop(): Promise<void> {
    if (this.exitCode !== null || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a response body the tests read field by field; each test states what it expects of it
  json: any;
}

export function esRequest(
  options: { host: string; port: number; ca?: string | Buffer; tls?: boolean; localAddress?: string },
  method: string,
  path: string,
  request: { auth?: string; body?: unknown; headers?: Record<string, string>; ndjson?: string } = {},
): Promise<HttpAnswer> {
  const body = request.ndjson ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.auth) headers.authorization = request.auth;
  if (body !== undefined) {
    headers['content-type'] = request.ndjson ? 'application/x-ndjson' : 'application/json';
    // Node sends GET/DELETE bodies without chunked encoding, so the length must be explicit.
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const send = options.tls === false ? httpRequest : httpsRequest;
  return new Promise((resolveAnswer, reject) => {
    const req = send({ host: options.host, port: options.port, method, path, headers, ca: options.ca, servername: 'localhost', localAddress: options.localAddress, agent: false, timeout: 15000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
