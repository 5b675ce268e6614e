import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths } from '../../lab-store/lab-home.ts';
import { envOf } from './auth-checks.ts';
import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { httpsJson } from '../../stack/https-json.ts';
import type { ContainerPlan } from '../../../../common/lab-plan.ts';
import type { Observed, VerificationContext } from '../verification-context.ts';
import { stateSentence } from '../component-state.ts';
import { NATIVE_WINDOWS_HOST_FILES, privateLabFolderOnWindows, type WindowsHostFiles } from './host-files-windows.ts';
import { listedWhen, type KeystoreListing } from '../keystore-listings.ts';

const YML_OF: Record<string, string> = {
  elasticsearch: '/usr/share/elasticsearch/config/elasticsearch.yml',
  kibana: '/usr/share/kibana/config/kibana.yml',
};

export async function secretsInKeystores(ctx: VerificationContext): Promise<Observed> {
  const secretValues = Object.entries(ctx.secrets).filter(([name, value]) => value && value.length >= 8 && name !== 'agent-enrollment-token');
  const evidence: string[] = [];
  const problems: string[] = [];
  const inspected = ctx.plan.containers.filter((c) => c.kind === 'elasticsearch' || c.kind === 'kibana');
  await ctx.requireContainers(inspected);
  const es01 = ctx.containersOf('elasticsearch')[0];
  // Every container's env, yml and log, the enrollment tokens and es01's keystore, read at once; the evidence keeps the plan's order.
  const [looks, tokenEvidence, listing] = await Promise.all([
    Promise.all(
      inspected.map(async (container) => {
        const [info, yml, logs] = await Promise.all([
          ctx.inspect(container),
          ctx.readContainerFile(container, YML_OF[container.kind]).then((text) => text ?? ''),
          ctx.engine.logs(container.name, { tail: 2000 }).catch(() => ''),
        ]);
        return { container, env: envOf(info), yml, logs };
      }),
    ),
    enrollmentTokensRevoked(ctx),
    ctx.keystoreListing(es01).catch((error: Error): KeystoreListing => ({ exitCode: -1, output: error.message })),
  ]);
  for (const { container, env, yml, logs } of looks) {
    const leakedInEnv = Object.entries(env).filter(([key, value]) => secretValues.some(([, secret]) => value.includes(secret!)) || (/PASSWORD|ENCRYPTIONKEY|SERVICEACCOUNTTOKEN/i.test(key) && !/_FILE$|_PATH$/.test(key)));
    const leakedInYml = secretValues.filter(([, secret]) => yml.includes(secret!)).map(([name]) => name);
    const passwordLines = yml.split('\n').filter((line) => /password|encryptionKey|serviceAccountToken/i.test(line) && !/^\s*#/.test(line));
    const leakedInLogs = secretValues.filter(([, secret]) => logs.includes(secret!)).map(([name]) => name);
    evidence.push(
      `${container.component}: env ${leakedInEnv.length ? `HAS ${leakedInEnv.map(([k]) => k).join(', ')}` : 'has no secret'}; ${YML_OF[container.kind].split('/').pop()} ${leakedInYml.length || passwordLines.length ? 'HAS secrets' : 'has no secret'}; last 2000 log lines ${leakedInLogs.length ? `HAVE ${leakedInLogs.join(', ')}` : 'have no secret'}`,
    );
    if (leakedInEnv.length) problems.push(`${container.component} has ${leakedInEnv.map(([k]) => k).join(', ')} in its environment`);
    if (leakedInYml.length || passwordLines.length) problems.push(`${container.component}'s yml holds a secret`);
    if (leakedInLogs.length) problems.push(`${container.component}'s log shows a secret`);
  }
  evidence.push(...tokenEvidence.evidence);
  problems.push(...tokenEvidence.problems);
  evidence.push(
    `es01 elasticsearch-keystore list (exit ${listing.exitCode}${listedWhen(listing)}): ${listing.output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(', ')}`,
  );
  return problems.length
    ? {
        status: 'fail',
        evidence: [problems.join('; '), ...evidence],
        fix: `Remove the secret from ${problems.map((p) => p.split(/'s? /)[0]).join(', ')}'s env/yml and add it to the keystore instead, and revoke an enrollment token once its agents are enrolled (seclab reset restores the lab's layout).`,
      }
    : { status: 'pass', evidence };
}

/**
 * The one secret left in env (the agent image reads the enrollment token nowhere else) must no longer
 * work: the token is base64 of `<API key id>:<key>`, and Elasticsearch, which Fleet Server asks,
 * says whether that key is invalidated.
 */
async function enrollmentTokensRevoked(ctx: VerificationContext): Promise<{ evidence: string[]; problems: string[] }> {
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const agent of ctx.containersOf('agent')) {
    const token = envOf(await ctx.inspect(agent)).FLEET_ENROLLMENT_TOKEN;
    if (!token) {
      evidence.push(`${agent.component}: no enrollment token in env`);
      continue;
    }
    const keyId = Buffer.from(token, 'base64').toString('utf8').split(':')[0];
    const answer = await httpsJson<{ api_keys?: Array<{ invalidated?: boolean }> }>({
      url: `${ctx.connections.elasticsearchUrl}/_security/api_key?id=${encodeURIComponent(keyId)}`,
      caPem: ctx.caPem,
      basicAuth: { username: 'elastic', password: requireSecret(ctx.secrets, 'elastic-password') },
      timeoutMs: 5000,
    });
    const key = answer.body?.api_keys?.[0];
    const state = answer.status === 404 || (answer.status === 200 && !key) ? 'deleted' : key ? (key.invalidated ? 'invalidated' : 'VALID') : `unknown (HTTP ${answer.status})`;
    evidence.push(`${agent.component}: env holds FLEET_ENROLLMENT_TOKEN (Elastic's agent image reads it only from env); its API key ${keyId} is ${state}`);
    if (state === 'VALID') problems.push(`${agent.component}'s enrollment token in env still enrolls agents`);
  }
  return { evidence, problems };
}

/** Modes on Linux and macOS; on Windows, ACLs read with icacls (host-files-windows.ts). */
export async function privateHostFiles(ctx: VerificationContext, host: { platform: NodeJS.Platform } & WindowsHostFiles = { platform: process.platform, ...NATIVE_WINDOWS_HOST_FILES }): Promise<Observed> {
  const root = labPaths(ctx.environment.home, ctx.lab).root;
  if (host.platform === 'win32') return existsSync(root) ? privateLabFolderOnWindows(root, host) : { status: 'fail', evidence: [`the lab folder ${root} is missing`] };
  const evidence: string[] = [];
  const problems: string[] = [];
  const visit = (path: string) => {
    const stats = statSync(path);
    const mode = stats.mode & 0o777;
    const relative = path.slice(root.length) || '/';
    if (stats.isDirectory()) {
      if (mode !== 0o700) problems.push(`folder ${relative} is 0${mode.toString(8)}`);
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (/\.key$|secrets\.json$|lab\.json$/.test(path) && (mode & 0o077) !== 0) {
      problems.push(`${relative} is 0${mode.toString(8)}`);
    }
  };
  if (!existsSync(root)) return { status: 'fail', evidence: [`the lab folder ${root} is missing`] };
  visit(root);
  evidence.push(`${root}: 0${(statSync(root).mode & 0o777).toString(8)}; ${readdirSync(join(root, 'certs')).length} certificate folders checked; keys and secrets.json owner-only`);
  return problems.length ? { status: 'fail', evidence: [problems.slice(0, 6).join('; '), ...evidence], fix: `chmod -R go-rwx ${root}` } : { status: 'pass', evidence };
}

export async function nonRoot(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const problems: string[] = [];
  await ctx.requireContainers(ctx.plan.containers);
  // Every container's processes at once; the evidence keeps the plan's order.
  const looks = await Promise.all(
    ctx.plan.containers.map(async (container) => {
      const [info, state] = await Promise.all([ctx.inspect(container), ctx.stateOf(container)]);
      const processes = state.probeable ? await ctx.processes(container).catch(() => undefined) : undefined;
      return { container, info, state, processes };
    }),
  );
  for (const { container, info, state, processes = [] } of looks) {
    if (!state.probeable) {
      evidence.push(`${stateSentence(state)}: no process to look at; configured user ${info?.Config.User || 'root (image default)'}`);
      if (!info?.Config.User || /^(0|root)(:|$)/.test(info.Config.User)) problems.push(`${container.component} is configured to run as root`);
      continue;
    }
    const asRoot = processes.filter((p) => p.uid === '0' || p.uid === 'root');
    evidence.push(`${container.component}: configured user ${info?.Config.User || '(image default)'}; process uids ${processes.map((p) => p.uid).join(', ') || '?'}`);
    if (asRoot.length) problems.push(`${container.component} runs ${asRoot.map((p) => `${p.comm} (pid ${p.pid})`).join(', ')} as root`);
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence], fix: "Run every container as uid 1000 (--user 1000:0), the images' unprivileged user." } : { status: 'pass', evidence };
}

const OPEN_FILES_NEEDED = 65535;

async function openFilesOf(ctx: VerificationContext, container: ContainerPlan): Promise<number | undefined> {
  const limits = await ctx.mainProcessLimits(container).catch(() => undefined);
  const line = limits?.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  return soft === undefined ? undefined : soft === 'unlimited' ? Infinity : Number(soft);
}

export async function memoryLimits(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const missing: string[] = [];
  await ctx.requireContainers(ctx.plan.containers);
  for (const container of ctx.plan.containers) {
    const info = await ctx.inspect(container);
    const limit = info?.HostConfig.Memory ?? 0;
    evidence.push(`${container.component}: ${limit ? `${Math.round(limit / 1024 ** 2)} MiB` : 'NO limit'}`);
    if (!limit) missing.push(container.component);
  }
  if (missing.length) return { status: 'fail', evidence: [`no memory limit on ${missing.join(', ')}`, ...evidence] };

  // Elasticsearch enforces its bootstrap checks in a multi-node cluster (transport on the lab network).
  const nodes = ctx.containersOf('elasticsearch');
  const short: string[] = [];
  // Every node's limit read at once; the evidence keeps the plan's order.
  const readings = await Promise.all(
    nodes.map(async (node) => {
      const state = await ctx.stateOf(node);
      return { node, state, openFiles: state.probeable ? await openFilesOf(ctx, node) : undefined };
    }),
  );
  for (const { node, state, openFiles } of readings) {
    if (!state.probeable) {
      evidence.push(`${stateSentence(state)}: its open-files limit cannot be read`);
      continue;
    }
    evidence.push(`${node.component}: ${openFiles === undefined ? 'open-files limit unreadable' : `${openFiles} open files`} for its main process`);
    if (openFiles !== undefined && openFiles < OPEN_FILES_NEEDED) short.push(`${node.component} (${openFiles})`);
  }
  if (nodes.length >= 2 && short.length) {
    const consequence = ctx.plan.emulated
      ? 'Elastic\'s official image would exit with code 78 here ("max file descriptors [...] is too low, increase to at least [65535]"); the emulated nodes log that failure and run on'
      : 'Elasticsearch refuses to start in a multi-node cluster below that';
    return {
      status: ctx.plan.emulated ? 'warn' : 'fail',
      evidence: [`the engine caps open files below ${OPEN_FILES_NEEDED}: ${short.join(', ')}. ${consequence}`, ...evidence],
      fix: "Raise the engine's default ulimits (dockerd --default-ulimit nofile=65535:65535, or LimitNOFILE=1048576 in docker.service), then seclab reset; or run one node (--nodes 1).",
    };
  }
  return { status: 'pass', evidence };
}
