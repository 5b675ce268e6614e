import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { dirname } from 'node:path';
import { controlSocketOf } from './container-paths';
import { AGENT_BUILD_TIME } from './version';

/** Unit/agent states of elastic-agent-client, upper-case as `elastic-agent status` prints them. */
export type UnitState = 'STARTING' | 'CONFIGURING' | 'HEALTHY' | 'DEGRADED' | 'FAILED' | 'STOPPING' | 'STOPPED';

export interface ComponentState {
  id: string;
  /** The component's input type (`fleet-server`); defaults to the id without its `-default` suffix. */
  name?: string;
  state: UnitState;
  message: string;
  units: Array<{ unit_id: string; unit_type: 'input' | 'output'; state: UnitState; message: string }>;
}

export interface DaemonState {
  info: { id: string; version: string; commit: string; build_time?: string; snapshot?: boolean; pid?: number; unprivileged?: boolean; is_managed?: boolean };
  state: UnitState;
  message: string;
  fleet_state: UnitState;
  fleet_message: string;
  components: ComponentState[];
}

/**
 * The running agent answers `elastic-agent status` over its control socket, at the path the real
 * container uses ($STATE_PATH/data/<hash>.sock, utils.SocketURLWithFallback); the protocol here is HTTP
 * over that unix socket (one `GET /state`) instead of gRPC.
 */
export function controlSocketPath(statePath: string): string {
  return controlSocketOf(statePath);
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
    const state = currentState();
    const info = {
      build_time: AGENT_BUILD_TIME.replace('T', ' ').replace('Z', ' +0000 UTC'),
      snapshot: false,
      pid: process.pid,
      unprivileged: (process.getuid?.() ?? 0) !== 0,
      is_managed: state.fleet_state !== 'STOPPED',
      ...state.info,
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...state, info }));
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
