import { lstatSync, lchownSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentHome, envWithDefault } from './container-env';
import { goPathError } from './go-errors';

/**
 * elastic-agent internal/pkg/agent/cmd/container_init_linux.go `initContainer`, run before every
 * `elastic-agent container`: a non-root agent raises its Effective set to its Permitted set, then its
 * Ambient set, then chowns the agent paths to its own uid:gid (`chownPaths`). The official image's binary
 * carries the file capabilities `=p` (Dockerfile.elastic-agent.tmpl: `setcap =p …/elastic-agent`), so
 * after exec its Permitted set is the container's bounding set — unless `no-new-privileges` is set, which
 * makes the kernel ignore file capabilities: then a non-root agent has no CAP_CHOWN/CAP_DAC_OVERRIDE and
 * leaves ownership alone with a warning. Every failure here is a warning, never fatal.
 */
const CAP_CHOWN = 0n;
const CAP_DAC_OVERRIDE = 1n;
const CAP_SETPCAP = 8n;
const CAP_SETFCAP = 31n;

export interface ProcessCapabilities {
  uid: number;
  gid: number;
  noNewPrivs: boolean;
  permitted: bigint;
  effective: bigint;
  bounding: bigint;
}

/** The process's own capability sets and no_new_privs flag, from /proc/self/status. */
export function readProcessCapabilities(statusText = readFileSync('/proc/self/status', 'utf8')): ProcessCapabilities {
  const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(statusText)?.[1] ?? '0';
  return {
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    noNewPrivs: field('NoNewPrivs') === '1',
    permitted: BigInt(`0x${field('CapPrm')}`),
    effective: BigInt(`0x${field('CapEff')}`),
    bounding: BigInt(`0x${field('CapBnd')}`),
  };
}

/** The Effective set the real binary would hold after raiseEffectiveCapabilities. */
export function effectiveAfterRaise(caps: ProcessCapabilities): bigint {
  if (caps.uid === 0) return caps.effective;
  // File capabilities `=p`: Permitted' = bounding set on exec, except under no_new_privs.
  const permitted = caps.noNewPrivs ? caps.permitted : caps.permitted | caps.bounding;
  return caps.effective | permitted;
}

const has = (set: bigint, cap: bigint) => ((set >> cap) & 1n) === 1n;

/** distinctPaths.addPath: keep only paths none of whose parents is already listed. */
function distinctPaths(paths: string[]): string[] {
  const set: string[] = [];
  for (const path of paths.filter(Boolean)) {
    if (set.some((entry) => path.startsWith(entry))) continue;
    for (let i = set.length - 1; i >= 0; i--) if ((set[i] as string).startsWith(path)) set.splice(i, 1);
    set.push(path);
  }
  return set;
}

function chownTree(path: string, uid: number, gid: number): void {
  let info;
  try {
    info = lstatSync(path);
  } catch (error) {
    throw new Error(`failed to walk path ${path}: ${goPathError('lstat', path, error)}`);
  }
  if (info.uid !== uid || info.gid !== gid) {
    try {
      lchownSync(path, uid, gid);
    } catch (error) {
      throw new Error(`failed to chown path ${path}: ${goPathError('chown', path, error)}`);
    }
  }
  if (info.isDirectory()) {
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (error) {
      throw new Error(`failed to walk path ${path}: ${goPathError('open', path, error)}`);
    }
    for (const entry of entries) chownTree(join(path, entry), uid, gid);
  }
}

export interface InitStreams {
  out(line: string): void;
  err(line: string): void;
}

export function initContainer(env: NodeJS.ProcessEnv, streams: InitStreams, caps: ProcessCapabilities = readProcessCapabilities()): void {
  const effective = effectiveAfterRaise(caps);
  if (caps.uid !== 0) {
    streams.out('agent container initialisation - effective capabilities');
    streams.out('agent container initialisation - ambient capabilities');
    // raiseAmbientCapabilities needs CAP_SETPCAP as soon as there is anything to raise.
    const raisable = effective & ~((1n << CAP_SETPCAP) | (1n << CAP_SETFCAP));
    if (raisable !== 0n && !has(effective, CAP_SETPCAP)) streams.err('Warning: failed to set ambient vector: missing SETPCAP capability');
  }
  streams.out('agent container initialisation - chown paths');
  if (!has(effective, CAP_CHOWN) && !has(effective, CAP_DAC_OVERRIDE)) {
    streams.err('Warning: cannot chown agent paths without CAP_CHOWN or CAP_DAC_OVERRIDE capabilities');
    return;
  }
  const paths = distinctPaths([agentHome(env), ...['LOGS_PATH', 'STATE_PATH', 'CONFIG_PATH', 'DATA_PATH', 'HOME_PATH'].map((name) => envWithDefault(env, '', name))]);
  try {
    // Without the file capabilities of the real binary this only succeeds for root; a non-root emulated
    // agent without no-new-privileges reports EPERM where the real one would have fixed ownership.
    for (const path of paths) chownTree(path, caps.uid, caps.gid);
  } catch (error) {
    streams.err(`Warning: ${error instanceof Error ? error.message : String(error)}`);
  }
}
