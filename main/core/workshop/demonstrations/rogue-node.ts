import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerPlan, PlannedValue } from '../../../../common/lab-plan.ts';
import { packTar } from '../../docker/tar-archive.ts';
import { issueLabCertificates } from '../../pki/lab-pki.ts';
import type { VerificationContext } from '../../verification/verification-context.ts';

/**
 * A real rogue node: a one-shot container of the lab's own Elasticsearch image, same cluster.name,
 * discovery seeded at the lab's nodes, with a transport certificate from a CA of its own. It tries
 * to join for a while; then its log and the lab nodes' logs say what happened. It runs in es01's
 * network stack: the transport IP filter admits only the nodes' addresses, so from anywhere else
 * the filter — not TLS — would refuse it, and the lesson is about TLS.
 */

export const ROGUE_NODE_NAME = 'rogue-node';
const ES_CONFIG = '/usr/share/elasticsearch/config';
const ROGUE_TRANSPORT_PORT = 9301;
const ROGUE_HTTP_PORT = 9201;
/** The node logs why it found no master every 10 s (ClusterFormationFailureHelper); two lines show what it discovered. */
const FORMATION_WARNING = /master not discovered/;

export interface LogLine {
  component: string;
  level: string;
  logger: string;
  message: string;
}

export interface RogueNodeRun {
  container: string;
  address: string;
  /** What the rogue itself logged about trust and cluster formation. */
  rogueLines: LogLine[];
  /** Lab nodes' log lines that name the rogue's address while it ran. */
  refusals: LogLine[];
  /** Lab nodes the rogue reached through a completed transport handshake (named in its "have discovered" line). */
  discovered: string[];
}

function settingText(value: PlannedValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** ECS JSON lines (emulated and official images alike); anything else is kept as it is. */
function parseLogLines(component: string, text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        return { component, level: String(entry['log.level'] ?? ''), logger: String(entry['log.logger'] ?? ''), message: String(entry.message ?? line) };
      } catch {
        return { component, level: '', logger: '', message: line };
      }
    });
}

async function rogueCertificates(address: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'seclab-rogue-ca-'));
  try {
    // A real certificate for its own name and address — from a CA the lab never heard of.
    const issued = await issueLabCertificates({ outDir: dir, components: [{ name: ROGUE_NODE_NAME, dnsNames: [ROGUE_NODE_NAME], ipAddresses: [address] }], now: new Date() });
    const owner = { uid: 1000, gid: 0 };
    const leaf = issued.certificates[0];
    return await packTar([
      { name: 'certs/', type: 'directory', mode: 0o750, ...owner },
      { name: 'certs/ca/', type: 'directory', mode: 0o750, ...owner },
      { name: `certs/${ROGUE_NODE_NAME}/`, type: 'directory', mode: 0o750, ...owner },
      { name: 'certs/ca/ca.crt', mode: 0o644, content: readFileSync(join(dir, 'ca', 'ca.crt')), ...owner },
      { name: `certs/${ROGUE_NODE_NAME}/${ROGUE_NODE_NAME}.crt`, mode: 0o644, content: readFileSync(leaf.certificatePath), ...owner },
      { name: `certs/${ROGUE_NODE_NAME}/${ROGUE_NODE_NAME}.key`, mode: 0o600, content: readFileSync(leaf.keyPath), ...owner },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rogueEnvironment(host: ContainerPlan, nodes: ContainerPlan[]): Record<string, string> {
  const env: Record<string, string> = {
    'node.name': ROGUE_NODE_NAME,
    'cluster.name': settingText(host.settings['cluster.name']) ?? 'elasticsearch',
    'network.host': '0.0.0.0',
    'transport.port': String(ROGUE_TRANSPORT_PORT),
    'http.port': String(ROGUE_HTTP_PORT),
    'discovery.seed_hosts': nodes.map((node) => `${node.ip}:9300`).join(','),
    'bootstrap.memory_lock': 'false',
    'xpack.security.enabled': 'true',
    'xpack.security.http.ssl.enabled': 'false',
    'xpack.security.transport.ssl.enabled': 'true',
    'xpack.security.transport.ssl.key': `certs/${ROGUE_NODE_NAME}/${ROGUE_NODE_NAME}.key`,
    'xpack.security.transport.ssl.certificate': `certs/${ROGUE_NODE_NAME}/${ROGUE_NODE_NAME}.crt`,
    'xpack.security.transport.ssl.certificate_authorities': 'certs/ca/ca.crt',
    // The rogue checks nobody: what the lesson shows is whether the lab's nodes check the rogue.
    'xpack.security.transport.ssl.verification_mode': 'none',
    'ingest.geoip.downloader.enabled': 'false',
  };
  // The same heap and (emulated mode) the same declared engine cap as the lab's own nodes.
  for (const key of ['ES_JAVA_OPTS', 'SECLAB_EMULATOR_ENGINE_NOFILE_CAP', 'SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT']) {
    const value = settingText(host.env[key]);
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** Starts the rogue, lets it try to join until it has said twice what it discovered (or `timeoutMs`), and reads the logs. */
export async function runRogueNode(ctx: VerificationContext, options: { timeoutMs?: number } = {}): Promise<RogueNodeRun> {
  const nodes = ctx.plan.containers.filter((c) => c.kind === 'elasticsearch');
  const host = nodes[0];
  const engine = ctx.engine;
  const container = `seclab-${ctx.lab}-demo-rogue-${randomBytes(3).toString('hex')}`;
  const since = Math.floor(Date.now() / 1000) - 1;
  let rogueLog = '';
  await engine.createContainer({
    name: container,
    image: host.image,
    user: '1000:0',
    env: rogueEnvironment(host, nodes),
    labels: { 'seclab.lab': ctx.lab, 'seclab.role': 'probe' },
    networkMode: `container:${host.name}`,
    memoryBytes: host.memoryBytes,
    ulimits: host.ulimits.filter((limit) => limit.name === 'nofile'),
    autoRemove: true,
  });
  try {
    await engine.putArchive(container, ES_CONFIG, await rogueCertificates(host.ip));
    await engine.startContainer(container);
    const deadline = Date.now() + (options.timeoutMs ?? (ctx.plan.emulated ? 25_000 : 90_000));
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rogueLog = await engine.logs(container, { tail: 500 }).catch(() => rogueLog);
      const info = await engine.inspectContainer(container);
      const warnings = parseLogLines(ROGUE_NODE_NAME, rogueLog).filter((line) => FORMATION_WARNING.test(line.message));
      if (warnings.length >= 2 || !info?.State.Running || Date.now() > deadline) break;
    }
  } finally {
    await engine.stopContainer(container, 5).catch(() => undefined);
    await engine.removeContainer(container).catch(() => undefined);
  }
  const rogueLines = parseLogLines(ROGUE_NODE_NAME, rogueLog).filter((line) => line.level === 'WARN' || line.level === 'ERROR' || /started|fatal|exception/i.test(line.message));
  const refusals: LogLine[] = [];
  for (const node of nodes) {
    const text = await engine.logs(node.name, { since, tail: 2000 }).catch(() => '');
    refusals.push(...parseLogLines(node.component, text).filter((line) => line.message.includes(`[${host.ip}]`) && /trust|certificate|handshake/i.test(line.message)));
  }
  const lastWarning = [...rogueLines].reverse().find((line) => FORMATION_WARNING.test(line.message));
  const discoveredPart = /have (?:only )?discovered (?:non-quorum )?\[(.*?)\]; discovery will continue/.exec(lastWarning?.message ?? '')?.[1] ?? '';
  const discovered = nodes.map((node) => node.component).filter((component) => discoveredPart.includes(`{${component}}`));
  return { container, address: `${host.ip}:${ROGUE_TRANSPORT_PORT}`, rogueLines, refusals, discovered };
}
