import { mkdirSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { networkInterfaces, hostname } from 'node:os';
import { isIP, type Socket } from 'node:net';
import { loadNodeConfig, type NodeConfig } from './config/node-config.js';
import { keystoreAtStart } from './config/bootstrap-keystore.js';
import { validateNodeSettings } from './config/settings-validation.js';
import { settingAsBoolean, settingAsList } from '../shared/settings-file.js';
import { createServerLogger, Loggers, type ServerLogger } from './logging.js';
import { BOOTSTRAP_CHECK_EXIT_CODE, StartupError, bootstrapFailureMessage, checkNotRunningAsRoot, readHostFacts, runBootstrapChecks } from './bootstrap-checks.js';
import { loadSslMaterial, type SslMaterial } from './tls/tls-material.js';
import { NodeStorage } from './cluster/persistence.js';
import { Coordinator } from './cluster/coordinator.js';
import { TransportService } from './cluster/transport.js';
import { HttpServerTransport } from './http/http-server.js';
import { AuditTrail } from './audit.js';
import { decideConnection, normaliseAddress, type FilterProfile } from './ip-filter.js';
import { allowsAuditing, allowsIpFiltering } from './license.js';
import { readServiceTokensFile } from './security/service-tokens.js';
import { randomId } from './security/passwords.js';
import { EMULATED_VERSION } from './version.js';
import type { NodeServices } from './node-services.js';
import type { DiscoveryNode } from './cluster/cluster-state.js';

export interface RunningNode {
  services: NodeServices;
  httpAddress: string;
  transportAddress: string;
  stop(): void;
}

function firstSiteAddress(): string | undefined {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return undefined;
}

/** network.host special values (ES NetworkService): _local_, _site_, _global_, 0.0.0.0, an IP or a host name. */
export async function resolveBindAndPublish(host: string): Promise<{ bind: string; publish: string }> {
  const value = host.trim();
  if (value === '_local_' || value === '_local') return { bind: '127.0.0.1', publish: '127.0.0.1' };
  if (value === '_site_' || value === '_global_' || value === '_site' || value === '_global') {
    const address = firstSiteAddress() ?? '127.0.0.1';
    return { bind: address, publish: address };
  }
  if (value === '0.0.0.0' || value === '::' || value === '0') return { bind: '0.0.0.0', publish: firstSiteAddress() ?? '127.0.0.1' };
  if (isIP(value)) return { bind: value, publish: value };
  const resolved = await lookup(value, { family: 4 });
  return { bind: resolved.address, publish: resolved.address };
}

export function isLoopback(address: string): boolean {
  const ip = normaliseAddress(address);
  return ip.startsWith('127.') || ip === '::1';
}

function loadContexts(config: NodeConfig): { http?: SslMaterial; transport?: SslMaterial } {
  if (!config.securityEnabled) return {};
  return {
    http: config.http.enabled ? loadSslMaterial(config, config.http) : undefined,
    transport: config.transport.enabled ? loadSslMaterial(config, config.transport) : undefined,
  };
}

/** SECLAB_EMULATOR_ENGINE_NOFILE_CAP=<n>, a positive integer; anything else declares nothing. */
function declaredEngineNofileCap(value: string | undefined): number | undefined {
  return value !== undefined && /^[1-9][0-9]*$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

export interface StartOptions {
  environment: NodeJS.ProcessEnv;
  args: string[];
  uid: number;
}

/** Boots the node in the real product's order: settings, root check, SSL, transport, bootstrap checks, HTTP, cluster. */
export async function startNode({ environment, args, uid }: StartOptions, onLogger: (logger: ServerLogger, config?: NodeConfig) => void): Promise<RunningNode> {
  const config = loadNodeConfig({ environment, args });
  config.keystore = keystoreAtStart(config.pathConf, config.keystore);
  const logger = createServerLogger({ nodeName: config.nodeName, clusterName: config.clusterName });
  onLogger(logger, config);
  logger.info(
    Loggers.node,
    `version[${EMULATED_VERSION.number}], pid[${process.pid}], build[${EMULATED_VERSION.build_flavor}/${EMULATED_VERSION.build_type}/${EMULATED_VERSION.build_hash}/${EMULATED_VERSION.build_date}], OS[${process.platform}], JVM[seclab emulator on Node.js/${process.versions.node}]`,
  );
  checkNotRunningAsRoot(uid, environment.SECLAB_EMULATOR_TEST_ALLOW_ROOT === '1');
  if (uid === 0) logger.warn(Loggers.bootstrap, 'running as root only because SECLAB_EMULATOR_TEST_ALLOW_ROOT=1 (test-only switch; the real Elasticsearch refuses)');
  const settingsCheck = validateNodeSettings({ settings: config.settings, keystoreNames: Object.keys(config.keystore ?? {}) });
  for (const warning of settingsCheck.warnings) logger.warn(Loggers.settingsModule, warning);
  if (settingsCheck.error) throw settingsCheck.error;

  const ssl = loadContexts(config);
  mkdirSync(config.pathData, { recursive: true });
  mkdirSync(config.pathLogs, { recursive: true });
  const storage = new NodeStorage(config.pathData);
  const nodeId = storage.loadOrCreateNodeId();
  logger.context.nodeId = nodeId;

  const transportHost = await resolveBindAndPublish(config.transportHost);
  const httpHost = await resolveBindAndPublish(config.httpHost);
  const now = () => Date.now();

  // Filled once the coordinator exists; the transport needs it for requests and the HTTP filter for the licence.
  let coordinator: Coordinator | undefined;
  const effectiveSetting = (name: string): unknown => {
    const metadata = coordinator?.metadata();
    if (metadata && name in metadata.transientSettings) return metadata.transientSettings[name];
    if (metadata && name in metadata.persistentSettings) return metadata.persistentSettings[name];
    return config.settings[name];
  };
  const boundAddresses = [transportHost.bind, httpHost.bind, transportHost.publish, httpHost.publish].filter((address) => address !== '0.0.0.0');
  const audit = new AuditTrail(
    { nodeName: config.nodeName, nodeId, clusterName: config.clusterName, clusterUuid: () => coordinator?.metadata().clusterUuid ?? '', hostName: hostname(), hostIp: httpHost.publish },
    {
      // The official image's log4j2 config sends the audit appender to the console, and nowhere else.
      write: (line) => process.stdout.write(line + '\n'),
      includeEvents: () => settingAsList(effectiveSetting('xpack.security.audit.logfile.events.include')),
      excludeEvents: () => settingAsList(effectiveSetting('xpack.security.audit.logfile.events.exclude')),
      // LoggingAuditTrail's defaults: node id and cluster UUID on, node name, host name/address and cluster name off.
      emit: () => ({
        nodeName: settingAsBoolean(effectiveSetting('xpack.security.audit.logfile.emit_node_name'), false),
        nodeId: settingAsBoolean(effectiveSetting('xpack.security.audit.logfile.emit_node_id'), true),
        hostName: settingAsBoolean(effectiveSetting('xpack.security.audit.logfile.emit_node_host_name'), false),
        hostAddress: settingAsBoolean(effectiveSetting('xpack.security.audit.logfile.emit_node_host_address'), false),
        clusterName: settingAsBoolean(effectiveSetting('xpack.security.audit.logfile.emit_cluster_name'), false),
        clusterUuid: settingAsBoolean(effectiveSetting('xpack.security.audit.logfile.emit_cluster_uuid'), true),
      }),
      isActive: () => config.securityEnabled && config.audit.enabled && allowsAuditing(coordinator?.metadata().license, now()),
    },
  );
  const acceptConnection =
    (profile: FilterProfile) =>
    (socket: Socket): boolean => {
      if (!config.securityEnabled) return true;
      const address = socket.remoteAddress ?? '';
      const decision = decideConnection({
        profile,
        address,
        settings: effectiveSetting,
        boundAddresses,
        licenseAllowsFiltering: allowsIpFiltering(coordinator?.metadata().license, now()),
      });
      if (!decision.allowed) {
        audit.record('ip_filter', 'connection_denied', {
          'origin.type': profile === 'http' ? 'rest' : 'transport',
          'origin.address': `${normaliseAddress(address)}:${socket.remotePort}`,
          'transport.profile': profile === 'http' ? '.http' : 'default',
          rule: decision.rule,
        });
      }
      return decision.allowed;
    };

  let localNode: DiscoveryNode | undefined;
  const transport = new TransportService({
    logger,
    material: ssl.transport,
    localHello: () => ({ node: localNode!, clusterName: config.clusterName }),
    acceptConnection: acceptConnection('transport'),
    handleRequest: (connection, action, body) => coordinator!.handleTransportRequest(connection, action, body),
    localAddress: transportHost.bind === '0.0.0.0' ? undefined : transportHost.bind,
  });
  const boundTransport = await transport.listen(transportHost.bind, config.transportPort);
  const transportAddress = `${transportHost.publish}:${boundTransport.port}`;
  logger.info(Loggers.transportService, `publish_address {${transportAddress}}, bound_addresses {${boundTransport.address}:${boundTransport.port}}`);

  const boundToNonLoopback = !isLoopback(transportHost.bind === '0.0.0.0' ? '0.0.0.0' : transportHost.bind) || !isLoopback(transportHost.publish);
  const outcome = runBootstrapChecks({
    config,
    host: readHostFacts(environment.SECLAB_EMULATOR_PROC_DIR ?? '/proc'),
    boundToNonLoopback,
    allowLowMaxMapCount: environment.SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT === 'true',
    engineNofileCap: declaredEngineNofileCap(environment.SECLAB_EMULATOR_ENGINE_NOFILE_CAP),
  });
  if (outcome.enforced) logger.info(Loggers.bootstrapChecks, 'bound or publishing to a non-loopback address, enforcing bootstrap checks');
  for (const warning of outcome.warnings) logger.warn(Loggers.bootstrapChecks, warning);
  if (outcome.failures.length > 0) {
    transport.close();
    throw new StartupError(bootstrapFailureMessage(outcome.failures), BOOTSTRAP_CHECK_EXIT_CODE, 'org.elasticsearch.node.NodeValidationException');
  }

  localNode = {
    id: nodeId,
    name: config.nodeName,
    roles: config.roles,
    transportAddress,
    httpAddress: `${httpHost.publish}:${config.httpPort}`,
    ip: transportHost.publish,
    ephemeralId: randomId(22),
  };
  coordinator = new Coordinator(config, logger, storage, () => transport, localNode, now);
  const activeCoordinator = coordinator;
  const services: NodeServices = {
    config,
    logger,
    localNode,
    appliedState: () => activeCoordinator.appliedState(),
    metadata: () => activeCoordinator.metadata(),
    masterNode: () => activeCoordinator.masterNode(),
    submit: (command, timeoutMs) => activeCoordinator.submit(command, timeoutMs),
    waitFor: (predicate, timeoutMs) => activeCoordinator.waitFor(predicate, timeoutMs),
    ssl,
    effectiveSetting,
    fileServiceTokens: () => readServiceTokensFile(config.pathConf),
    audit,
    now,
    startedAt: now(),
  };
  const http = new HttpServerTransport(services, { accept: acceptConnection('http') });
  const boundHttp = await http.listen(httpHost.bind, config.httpPort);
  localNode.httpAddress = `${httpHost.publish}:${boundHttp.port}`;
  logger.info(Loggers.http, `publish_address {${localNode.httpAddress}}, bound_addresses {${boundHttp.address}:${boundHttp.port}}`);
  coordinator.start();
  logger.info(Loggers.node, 'started ' + `{${config.nodeName}}{${nodeId}}{${localNode.ephemeralId}}{${hostname()}}{${localNode.ip}}{${transportAddress}}`);
  return {
    services,
    httpAddress: localNode.httpAddress,
    transportAddress,
    stop() {
      activeCoordinator.stop();
      http.close();
      transport.close();
    },
  };
}
