import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { dirname, join } from 'node:path';

/** Unit/agent states of elastic-agent-client, upper-case as `elastic-agent status` prints them. */
export type UnitState = 'STARTING' | 'CONFIGURING' | 'HEALTHY' | 'DEGRADED' | 'FAILED' | 'STOPPING' | 'STOPPED';

export interface ComponentState {
  id: string;
  state: UnitState;
  message: string;
  units: Array<{ unit_id: string; unit_type: 'input' | 'output'; state: UnitState; message: string }>;
}

export interface DaemonState {
  info: { id: string; version: string; commit: string };
  state: UnitState;
  message: string;
  fleet_state: UnitState;
  fleet_message: string;
  components: ComponentState[];
}

/**
 * The running agent answers `elastic-agent status` over a local control socket in its state directory,
 * like the real daemon's control protocol (here: HTTP over a unix socket, one `GET /state`).
 */
export function controlSocketPath(statePath: string): string {
  return join(statePath, 'data', 'tmp', 'elastic-agent-control.sock');
}

export function serveControlSocket(statePath: string, currentState: () => DaemonState): Promise<Server> {
  const path = controlSocketPath(statePath);
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((req, res) => {
    if (req.url !== '/state') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(currentState()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

export function fetchDaemonState(statePath: string, timeoutMs = 30_000): Promise<DaemonState> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: controlSocketPath(statePath), path: '/state', method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as DaemonState);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 30 seconds trying to connect to Elastic Agent daemon')));
    req.on('error', reject);
    req.end();
  });
}
