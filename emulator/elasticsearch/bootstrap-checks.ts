import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeConfig } from './config/node-config.js';

/** A failure that stops the node during startup, carrying the exit code the real launcher uses. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly errorType = 'java.lang.IllegalStateException',
  ) {
    super(message);
  }
}

/** ES refuses uid 0: `throw new RuntimeException("can not run elasticsearch as root")` (bootstrap/Elasticsearch.java). */
export function checkNotRunningAsRoot(uid: number, allowRootForTests: boolean): void {
  if (uid === 0 && !allowRootForTests) {
    throw new StartupError('can not run elasticsearch as root', 1, 'java.lang.RuntimeException');
  }
}

export interface HostFacts {
  maxMapCount: number | undefined;
  /** Soft "Max locked memory" limit from /proc/self/limits; `unlimited` or bytes. */
  maxLockedMemory: 'unlimited' | number | undefined;
  /**
   * The open-files limit the JVM would run with: the *hard* "Max open files" limit, because HotSpot raises the soft
   * limit to the hard one at startup (os::init_2, MaxFDLimit, on by default on Linux) before ES's FileDescriptorCheck
   * reads it (ProcessProbe.getMaxFileDescriptorCount).
   */
  maxFileDescriptors: 'unlimited' | number | undefined;
}

/** One row of /proc/self/limits: [soft, hard], each `unlimited` or a number. */
function limitsRow(limits: string, name: string): ['unlimited' | number, 'unlimited' | number] | undefined {
  const line = limits.split('\n').find((l) => l.startsWith(name));
  const [soft, hard] = line?.slice(name.length).trim().split(/\s+/) ?? [];
  if (!soft || !hard) return undefined;
  const parse = (value: string) => (value === 'unlimited' ? 'unlimited' : Number(value));
  return [parse(soft), parse(hard)];
}

/** The emulator reads the kernel's real values; tests point SECLAB_EMULATOR_PROC_DIR at a fake /proc. */
export function readHostFacts(procDir: string): HostFacts {
  let maxMapCount: number | undefined;
  try {
    maxMapCount = Number(readFileSync(join(procDir, 'sys/vm/max_map_count'), 'utf8').trim());
  } catch {
    maxMapCount = undefined;
  }
  let limits = '';
  try {
    limits = readFileSync(join(procDir, 'self/limits'), 'utf8');
  } catch {
    limits = '';
  }
  return { maxMapCount, maxLockedMemory: limitsRow(limits, 'Max locked memory')?.[0], maxFileDescriptors: limitsRow(limits, 'Max open files')?.[1] };
}

export interface BootstrapCheckContext {
  config: Pick<NodeConfig, 'securityEnabled' | 'transport' | 'discoveryType' | 'seedHosts' | 'initialMasterNodes' | 'memoryLock' | 'enforceBootstrapChecks'> & { settings: Record<string, unknown> };
  host: HostFacts;
  /** Bound or publishing to a non-loopback address. */
  boundToNonLoopback: boolean;
  allowLowMaxMapCount: boolean;
  /**
   * SECLAB_EMULATOR_ENGINE_NOFILE_CAP: the open-files limit the Docker engine is known to cap containers at. Only a limit
   * equal to it is relaxed (to a WARN), so a genuinely low limit still fails.
   */
  engineNofileCap?: number;
}

export interface BootstrapCheckOutcome {
  enforced: boolean;
  failures: string[];
  /** Failures that are only logged (development mode) plus the emulator's relaxed-check notice. */
  warnings: string[];
}

const MAX_MAP_COUNT_MINIMUM = 262144;
const FILE_DESCRIPTORS_MINIMUM = 65535;
const DOCS = 'https://www.elastic.co/docs/deploy-manage/deploy/self-managed/bootstrap-checks';

/**
 * The subset of ES's bootstrap checks whose inputs a container can really get wrong. Messages from ES
 * server/src/main/java/org/elasticsearch/bootstrap/BootstrapChecks.java (MaxMapCountCheck, MlockallCheck,
 * DiscoveryConfiguredCheck) and x-pack TransportTLSBootstrapCheck. Enforcement rule: BootstrapChecks.enforceLimits
 * (non-loopback and not single-node) or -Des.enforce.bootstrap.checks=true.
 */
export function runBootstrapChecks(context: BootstrapCheckContext): BootstrapCheckOutcome {
  const { config, host } = context;
  const enforced = (context.boundToNonLoopback && config.discoveryType !== 'single-node') || config.enforceBootstrapChecks;
  const failed: string[] = [];
  const warnings: string[] = [];

  // FileDescriptorCheck (Linux limit 65535), checked before MlockallCheck as in BootstrapChecks.checks().
  const descriptors = host.maxFileDescriptors;
  if (typeof descriptors === 'number' && descriptors < FILE_DESCRIPTORS_MINIMUM) {
    const failure = `max file descriptors [${descriptors}] for elasticsearch process is too low, increase to at least [${FILE_DESCRIPTORS_MINIMUM}]; for more information see [${DOCS}#bootstrap-checks-file-descriptor]`;
    if (enforced && context.engineNofileCap === descriptors) {
      warnings.push(`${failure} (the engine caps open files at [${descriptors}]; Elastic's official image would exit with code ${BOOTSTRAP_CHECK_EXIT_CODE} here)`);
    } else {
      failed.push(failure);
    }
  }
  if (config.memoryLock && host.maxLockedMemory !== 'unlimited') {
    failed.push(`memory locking requested for elasticsearch process but memory is not locked; for more information see [${DOCS}#bootstrap-checks-memory-lock]`);
  }
  if (host.maxMapCount !== undefined && host.maxMapCount < MAX_MAP_COUNT_MINIMUM) {
    const message = `max virtual memory areas vm.max_map_count [${host.maxMapCount}] is too low, increase to at least [${MAX_MAP_COUNT_MINIMUM}]`;
    if (context.allowLowMaxMapCount) {
      warnings.push(`${message}; this emulated node relaxed the check because SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT=true (the real Elasticsearch would refuse to start in production mode)`);
    } else {
      failed.push(`${message}; for more information see [${DOCS}#bootstrap-checks-max-map-count]`);
    }
  }
  const discoveryConfigured = config.seedHosts.length > 0 || config.initialMasterNodes.length > 0 || config.settings['discovery.seed_providers'] !== undefined;
  if (!discoveryConfigured && config.discoveryType !== 'single-node') {
    failed.push(
      'the default discovery settings are unsuitable for production use; at least one of [discovery.seed_hosts, discovery.seed_providers, cluster.initial_master_nodes] must be configured' +
        `; for more information see [${DOCS}#bootstrap-checks-discovery-configuration]`,
    );
  }
  if (config.securityEnabled && !config.transport.enabled) {
    failed.push(
      'Transport SSL must be enabled if security is enabled. Please set [xpack.security.transport.ssl.enabled] to [true] or disable security by setting [xpack.security.enabled] to [false]' +
        `; for more information see [${DOCS}#bootstrap-checks-tls]`,
    );
  }

  if (enforced) return { enforced, failures: failed, warnings };
  return { enforced, failures: [], warnings: [...failed, ...warnings] };
}

/** The NodeValidationException text BootstrapChecks.check builds. */
export function bootstrapFailureMessage(failures: string[]): string {
  const lines = [
    `[${failures.length}] bootstrap checks failed. You must address the points described in the following [${failures.length}] lines before starting Elasticsearch. For more information see [${DOCS}]`,
    ...failures.map((failure, index) => `bootstrap check failure [${index + 1}] of [${failures.length}]: ${failure}`),
  ];
  return lines.join('\n');
}

/** The launcher exits with 78 (EX_CONFIG) when bootstrap checks fail, as seen in `exited with code 78`. */
export const BOOTSTRAP_CHECK_EXIT_CODE = 78;
