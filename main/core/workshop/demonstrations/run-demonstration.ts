import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerPlan, LabPlan } from '../../../../common/lab-plan.ts';
import type { DemonstrationId, DemonstrationResult, Lesson } from '../../../../common/workshop.ts';
import type { CoreEnvironment } from '../../environment.ts';
import { labPaths } from '../../lab-store/lab-home.ts';
import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { planLab } from '../../planner/plan-lab.ts';
import { httpsJson } from '../../stack/https-json.ts';
import { SAMPLE_INDEX } from '../../stack/elasticsearch-setup.ts';
import { VerificationContext } from '../../verification/verification-context.ts';
import { runInNetworkProbe } from '../../verification/probes/run-in-network-probe.ts';
import { runDemonstrationProbe } from './run-demonstration-probe.ts';
import { ROGUE_NODE_NAME, runRogueNode, type LogLine } from './rogue-node.ts';

/**
 * A lesson's consequence, run live against the lab as it is now, with its real output. A
 * demonstration only observes (and cleans up what it made itself): it never changes a layer.
 */

type Shown = Omit<DemonstrationResult, 'demonstration' | 'ranAt'>;

interface DemonstrationContext {
  ctx: VerificationContext;
  /** The plan with the lesson's break: it names the container the break changed. */
  brokenPlan: LabPlan;
}

const nodes = (plan: LabPlan) => plan.containers.filter((c) => c.kind === 'elasticsearch');
const changedContainer = (d: DemonstrationContext, fallback: (plan: LabPlan) => ContainerPlan | undefined): ContainerPlan => {
  const changed = d.brokenPlan.containers.find((c) => JSON.stringify(c) !== JSON.stringify(d.ctx.plan.containers.find((o) => o.component === c.component)));
  const container = changed ?? fallback(d.ctx.plan);
  if (!container) throw new Error('the lab has no container for this demonstration');
  return container;
};

/** A new proposal each call: a probe whose address another probe holds at that moment asks again (run-probe-program.ts). */
function outsiderIp(plan: LabPlan): string {
  const base = plan.network.gateway.split('.').slice(0, 3).join('.');
  return `${base}.${200 + (randomBytes(1)[0] % 55)}`;
}

async function reachFromOutsideLoopback(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const container = changedContainer(d, (plan) => plan.containers.find((c) => c.kind === 'kibana') ?? nodes(plan)[0]);
  const info = await ctx.inspect(container);
  const bindings = Object.entries((info?.HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }> | null>).flatMap(([port, hosts]) =>
    (hosts ?? []).map((h) => ({ port, hostIp: h.HostIp || '0.0.0.0', hostPort: Number(h.HostPort) })),
  );
  const published = bindings[0];
  if (!published) throw new Error(`${container.component} publishes no port`);
  let ip = '';
  // The lab network's gateway is this machine's address on that network: not loopback.
  const reach = await runDemonstrationProbe(
    ctx.engine,
    { lab: ctx.lab, vantage: 'demo-reach', from: { network: ctx.plan.network.name, ip: () => (ip = outsiderIp(ctx.plan)) } },
    { kind: 'tcp-reach', host: ctx.plan.network.gateway, port: published.hostPort, timeoutMs: 3000 },
  );
  return {
    title: `${container.component}'s published port, from beyond loopback`,
    tried: `docker inspect ${container.name}; then, from a container at ${ip}: connect to this machine's address ${ctx.plan.network.gateway}, port ${published.hostPort}`,
    output: [...bindings.map((b) => `docker inspect: ${b.port} published on ${b.hostIp}:${b.hostPort}`), ...reach.lines],
    shows: reach.happened
      ? `${container.component} answers on an address other than loopback: anyone on a network this machine is on can reach it`
      : `${container.component} answers only on 127.0.0.1: nothing beyond this machine reaches it`,
    happened: reach.happened,
  };
}

async function outsiderRequest(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  let ip = '';
  const { answer: observations } = await runInNetworkProbe(
    ctx.engine,
    { lab: ctx.lab, vantage: 'demo-outsider', from: { network: ctx.plan.network.name, ip: () => (ip = outsiderIp(ctx.plan)) } },
    { caPem: ctx.caPem, nodes: nodes(ctx.plan).map((n) => ({ name: n.component, ip: n.ip })), timeoutMs: 3000, reachOnly: true },
  );
  const answered = observations.filter((o) => o.httpReach?.connected);
  return {
    title: 'A request from an address no allow list names',
    tried: `from a container at ${ip}: GET / on port 9200 of ${observations.map((o) => `${o.name} (${o.ip})`).join(', ')}`,
    output: observations.map((o) => `${ip} → ${o.name} ${o.ip}:9200: ${o.httpReach?.detail}`),
    shows: answered.length
      ? `${answered.map((o) => o.name).join(', ')} answered an address outside the allow list: only authentication stands in the way now`
      : 'every node dropped the connection before TLS: the allow list keeps the outsider out',
    happened: answered.length > 0,
  };
}

async function rogueTransportClient(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const first = nodes(ctx.plan)[0];
  const run = await runRogueNode(ctx);
  const shown = (line: LogLine) => `  ${line.component} ${line.level} ${line.logger}: ${line.message.slice(0, 1500)}`;
  // The rogue retries every second: each distinct line once, with how often it came.
  const distinct = (lines: LogLine[]) => [...new Map(lines.map((line) => [line.message, line])).values()];
  const times = (lines: LogLine[]) => (lines.length > 1 ? ` (${lines.length} times)` : '');
  const filtered =
    ctx.plan.license === 'trial'
      ? `the transport IP filter admits only the nodes' addresses, so the rogue runs in ${first.component}'s network stack (${run.address}): only TLS decides`
      : `${run.address}, in ${first.component}'s network stack`;
  const output = [`rogue node ${ROGUE_NODE_NAME} started (${run.container}, auto-removed): ${filtered}`];
  for (const node of nodes(ctx.plan)) {
    const refusals = run.refusals.filter((line) => line.component === node.component);
    if (refusals.length) output.push(`${node.component} refused it${times(refusals)}:`, ...distinct(refusals).slice(0, 2).map(shown));
    else output.push(`${node.component}: no refusal in its log${run.discovered.includes(node.component) ? ` — it never asked the rogue for a certificate` : ''}`);
  }
  const formation = run.rogueLines.filter((line) => /master not discovered/.test(line.message)).slice(-1);
  const other = distinct(run.rogueLines.filter((line) => !/master not discovered/.test(line.message) && /trust|certificate|handshake|started/i.test(line.message))).slice(-3);
  output.push(`${ROGUE_NODE_NAME}'s own log:`, ...[...other, ...formation].map(shown));
  output.push(
    run.discovered.length
      ? `the rogue completed a transport handshake with ${run.discovered.join(', ')} and read its view of the cluster: the node LET THE ROGUE IN`
      : 'the rogue completed no transport handshake: every node refused its certificate',
  );
  return {
    title: `A rogue node with its own CA tries to join the cluster`,
    tried: `docker run (one-shot, auto-removed) ${first.image} as node ${ROGUE_NODE_NAME}: the lab's cluster.name, discovery.seed_hosts ${nodes(ctx.plan)
      .map((n) => `${n.ip}:9300`)
      .join(',')}, a transport certificate signed by a CA of its own; then the nodes' logs`,
    output,
    shows: run.discovered.length
      ? `${run.discovered.join(', ')} let a node with an unknown CA in: it never asked for a certificate (the rogue still could not join: ${
          nodes(ctx.plan)
            .filter((n) => !run.discovered.includes(n.component))
            .map((n) => n.component)
            .join(', ') || 'no node'
        } refused it)`
      : `every node refused the rogue during the TLS handshake, and its log says why: the rogue's CA is not trusted in the transport ssl context`,
    happened: run.discovered.length > 0,
  };
}

async function capturePlainHttp(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const target = changedContainer(d, (plan) => nodes(plan)[1] ?? nodes(plan)[0]);
  const first = nodes(ctx.plan)[0];
  const password = requireSecret(ctx.secrets, 'writer-password');
  // From es01's network stack, an address the HTTP allow list admits: the writer's client as it would run in the lab.
  const capture = await runDemonstrationProbe(
    ctx.engine,
    { lab: ctx.lab, vantage: 'demo-capture', from: { container: first.name } },
    {
      kind: 'relay-capture',
      host: target.ip,
      port: 9200,
      servername: target.component,
      caPem: ctx.caPem,
      path: `/${SAMPLE_INDEX}/_search?size=1`,
      username: 'writer',
      password,
      timeoutMs: 4000,
    },
  );
  return {
    title: `The writer's search to ${target.component}, as an observer on the path sees it`,
    tried: `the writer's client sends GET /${SAMPLE_INDEX}/_search to ${target.component}:9200 (https where the node speaks TLS); a relay on the path copies the bytes`,
    output: capture.lines,
    shows: capture.happened ? "the Authorization header crossed the network in clear: base64 is not encryption, it decodes to the writer's password" : 'the observer saw only ciphertext: no header, no password',
    happened: capture.happened,
  };
}

async function anonymousSearch(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const url = ctx.connections.elasticsearchUrl;
  // No Authorization header at all: what anyone who reaches port 9200 can send.
  const who = await httpsJson<{ username?: string; roles?: string[]; authentication_type?: string; authentication_realm?: { name?: string }; error?: { reason?: string } }>({
    url: `${url}/_security/_authenticate`,
    caPem: ctx.caPem,
    timeoutMs: 5000,
  });
  const search = await httpsJson<{ hits?: { total?: { value?: number } | number; hits?: Array<{ _index: string; _id: string; _source?: unknown }> }; error?: { reason?: string } }>({
    url: `${url}/lab-*/_search?size=3`,
    caPem: ctx.caPem,
    timeoutMs: 5000,
  });
  const total = search.body?.hits?.total;
  const count = typeof total === 'number' ? total : (total?.value ?? 0);
  const hits = search.body?.hits?.hits ?? [];
  const output = [
    who.status === 200
      ? `GET /_security/_authenticate (no credentials) → HTTP 200: user ${who.body.username}, roles ${(who.body.roles ?? []).join(', ') || '(none)'}, realm ${who.body.authentication_realm?.name}, authentication_type ${who.body.authentication_type}`
      : `GET /_security/_authenticate (no credentials) → HTTP ${who.status}: ${who.body?.error?.reason ?? who.text.slice(0, 200)}`,
    search.status === 200
      ? `GET /lab-*/_search?size=3 (no credentials) → HTTP 200: ${count} hit(s)`
      : `GET /lab-*/_search?size=3 (no credentials) → HTTP ${search.status}: ${search.body?.error?.reason ?? search.text.slice(0, 200)}`,
    ...hits.map((hit) => `  ${hit._index}/${hit._id}: ${JSON.stringify(hit._source).slice(0, 200)}`),
  ];
  const happened = search.status === 200 && count > 0;
  return {
    title: 'A search without credentials',
    tried: `curl --cacert ca.crt ${url}/lab-*/_search?size=3 — no user, no password, no API key (and GET /_security/_authenticate the same way)`,
    output,
    shows: happened
      ? `the cluster answered a request that carried no credentials with ${count} document(s): anyone who reaches port 9200 reads lab-*`
      : 'a request without credentials gets no documents: the cluster asks who is calling first',
    happened,
  };
}

async function analystDeletesIndex(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const index = `lab-demo-${Date.now()}`;
  const url = ctx.connections.elasticsearchUrl;
  const admin = { username: 'lab_admin', password: requireSecret(ctx.secrets, 'lab-admin-password') };
  const analyst = { username: 'analyst', password: requireSecret(ctx.secrets, 'analyst-password') };
  const created = await httpsJson({ method: 'PUT', url: `${url}/${index}/_doc/1?refresh=true`, caPem: ctx.caPem, basicAuth: admin, body: { message: 'evidence the analyst should only read' }, timeoutMs: 5000 });
  const deleted = await httpsJson<{ acknowledged?: boolean; error?: { reason?: string } }>({ method: 'DELETE', url: `${url}/${index}`, caPem: ctx.caPem, basicAuth: analyst, timeoutMs: 5000 });
  if (deleted.status !== 200) await httpsJson({ method: 'DELETE', url: `${url}/${index}`, caPem: ctx.caPem, basicAuth: admin, timeoutMs: 5000 }).catch(() => undefined);
  return {
    title: 'The analyst against an index it should only read',
    tried: `as lab_admin: PUT /${index}/_doc/1; then as analyst: DELETE /${index}`,
    output: [`lab_admin PUT /${index}/_doc/1 → HTTP ${created.status}`, `analyst DELETE /${index} → HTTP ${deleted.status} ${deleted.text.slice(0, 300)}`],
    shows: deleted.status === 200 ? 'the analyst, meant to read lab-* and nothing else, deleted an index and its documents' : 'the analyst was refused: it may read lab-*, not delete it',
    happened: deleted.status === 200,
  };
}

async function kibanaCredentialsPower(d: DemonstrationContext): Promise<Shown> {
  const { ctx, brokenPlan } = d;
  const kibana = brokenPlan.containers.find((c) => c.kind === 'kibana');
  if (!kibana) throw new Error('this lab has no Kibana');
  const env = Object.fromEntries(((await ctx.inspect(kibana))?.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const username = env.ELASTICSEARCH_USERNAME ?? 'kibana_system';
  const secret = username === 'kibana_system' ? 'kibana-system-password' : username === 'lab_admin' ? 'lab-admin-password' : undefined;
  if (!secret) throw new Error(`Kibana connects as ${username}, whose password the lab does not hold`);
  const auth = { username, password: requireSecret(ctx.secrets, secret) };
  const url = ctx.connections.elasticsearchUrl;
  const who = await httpsJson<{ username?: string; roles?: string[] }>({ url: `${url}/_security/_authenticate`, caPem: ctx.caPem, basicAuth: auth, timeoutMs: 5000 });
  const users = await httpsJson<Record<string, { roles?: string[] }>>({ url: `${url}/_security/user`, caPem: ctx.caPem, basicAuth: auth, timeoutMs: 5000 });
  const listed = users.status === 200 ? Object.entries(users.body ?? {}).map(([name, user]) => `${name} (${(user.roles ?? []).join(', ')})`) : [];
  return {
    title: 'What the credentials Kibana holds can do',
    tried: `docker inspect kibana: ELASTICSEARCH_USERNAME=${username}; with that user and the password in Kibana's keystore: GET /_security/_authenticate, GET /_security/user`,
    output: [
      `GET /_security/_authenticate → HTTP ${who.status}: user ${who.body?.username}, roles ${(who.body?.roles ?? []).join(', ') || '(none)'}`,
      `GET /_security/user → HTTP ${users.status}${listed.length ? `: ${listed.join('; ')}` : ` ${users.text.slice(0, 200)}`}`,
    ],
    shows:
      users.status === 200
        ? `Kibana's credentials (${username}) read every user and role of the cluster: a superuser in a web application's config`
        : `Kibana's credentials (${username}) cannot read the cluster's users: Kibana holds only what it needs`,
    happened: users.status === 200,
  };
}

async function passwordInDockerInspect(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const containers = ctx.plan.containers.filter((c) => c.kind === 'elasticsearch' || c.kind === 'kibana');
  const output: string[] = [];
  for (const container of containers) {
    const env = (await ctx.inspect(container))?.Config.Env ?? [];
    for (const entry of env.filter((e) => /PASSWORD|ENCRYPTIONKEY|TOKEN/i.test(e.split('=')[0]) && !/_FILE=|_PATH=/.test(e))) output.push(`docker inspect ${container.name}: ${entry}`);
  }
  return {
    title: 'docker inspect, as anyone who may run docker can',
    tried: `docker inspect --format '{{.Config.Env}}' ${containers.map((c) => c.name).join(' ')}`,
    output: output.length ? output : ['no password, key or token in any environment'],
    shows: output.length ? 'the password is readable by anyone who can run docker on this machine, and travels into every support bundle' : 'no secret is in any container environment: they live in the keystores',
    happened: output.length > 0,
  };
}

async function kibanaRandomKeyLog(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const kibana = ctx.containersOf('kibana')[0];
  if (!kibana) throw new Error('this lab has no Kibana');
  const startedAt = Date.parse((await ctx.inspect(kibana))?.State.StartedAt ?? '');
  const log = await ctx.engine.logs(kibana.name, { tail: 500, since: Number.isFinite(startedAt) ? Math.floor(startedAt / 1000) : undefined }).catch(() => '');
  const lines = log
    .split('\n')
    .filter((line) => /Generating a random key|encryptionKey/i.test(line))
    .map((line) => line.slice(0, 400));
  return {
    title: "Kibana's log since its last start",
    tried: `docker logs --since <start> ${kibana.name} | grep -i encryptionKey`,
    output: lines.length ? lines : ['(no line about a missing encryption key)'],
    shows: lines.length ? 'Kibana invented a key for this run only: what it encrypted before the restart cannot be read now, nor after the next one' : 'Kibana read all its keys from its keystore',
    happened: lines.length > 0,
  };
}

async function processUid(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const target = changedContainer(d, (plan) => plan.containers.find((c) => c.kind === 'agent') ?? plan.containers[0]);
  const top = await ctx.engine.docker.getContainer(target.name).top({ ps_args: '-o uid,pid,comm' });
  const rows = (top.Processes ?? []).map((p: string[]) => p.join(' '));
  const root = (top.Processes ?? []).some((p: string[]) => p[0] === '0' || p[0] === 'root');
  return {
    title: `${target.component}'s processes, as the host sees them`,
    tried: `docker top ${target.name} -o uid,pid,comm`,
    output: [(top.Titles ?? []).join(' '), ...rows],
    shows: root ? `${target.component} runs as uid 0: whatever breaks inside it runs as root` : `${target.component} runs as an unprivileged user`,
    happened: root,
  };
}

async function attackWithoutTrace(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const es01 = nodes(ctx.plan)[0];
  const attacker = `mallory-${Date.now()}`;
  const since = Math.floor(Date.now() / 1000) - 1;
  const output: string[] = [];
  for (const guess of ['password', 'changeme', 'elastic', 'letmein', 'Summer2025!']) {
    const attempt = await httpsJson({ url: `${ctx.connections.elasticsearchUrl}/_security/_authenticate`, caPem: ctx.caPem, basicAuth: { username: attacker, password: guess }, timeoutMs: 5000 });
    output.push(`GET /_security/_authenticate as ${attacker} / ${guess} → HTTP ${attempt.status}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 800));
  const log = await ctx.engine.logs(es01.name, { since, tail: 1000 }).catch(() => '');
  const traces = log.split('\n').filter((line) => line.includes(attacker));
  output.push(`es01's log since the attack: ${traces.length} line(s) naming ${attacker}`, ...traces.slice(0, 2).map((line) => `  ${line.slice(0, 300)}`));
  return {
    title: 'Five password guesses, then a look for their trace',
    tried: `5 × GET /_security/_authenticate as ${attacker} with guessed passwords; docker logs --since <attack> ${es01.name} | grep ${attacker}`,
    output,
    shows: traces.length ? 'every failed guess left an audit event naming the user and the address it came from' : 'five failed logins and not one line about them anywhere: the attack left no trace',
    happened: traces.length === 0,
  };
}

async function hostFolderListing(d: DemonstrationContext): Promise<Shown> {
  const { ctx } = d;
  const root = labPaths(ctx.environment.home, ctx.lab).root;
  const mode = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`;
  const open = (statSync(root).mode & 0o055) !== 0;
  const output = [`${mode(root)} ${root}`, ...readdirSync(root).map((entry) => `${mode(join(root, entry))} ${join(root, entry)}`)];
  const caDir = join(root, 'certs', 'ca');
  if (open) output.push(`another account may now list ${caDir}: ${readdirSync(caDir).join(', ')}`);
  return {
    title: 'The lab folder on this machine',
    tried: `stat -c '%a %n' ${root} ${root}/*`,
    output,
    shows: open ? 'the folder with the CA and every private key is open to every account on this machine' : 'only the owner may enter the lab folder',
    happened: open,
  };
}

const DEMONSTRATIONS: Partial<Record<DemonstrationId, (d: DemonstrationContext) => Promise<Shown>>> = {
  'reach-from-outside-loopback': reachFromOutsideLoopback,
  'outsider-request': outsiderRequest,
  'rogue-transport-client': rogueTransportClient,
  'capture-plain-http': capturePlainHttp,
  'anonymous-search': anonymousSearch,
  'analyst-deletes-index': analystDeletesIndex,
  'kibana-credentials-power': kibanaCredentialsPower,
  'password-in-docker-inspect': passwordInDockerInspect,
  'kibana-random-key-log': kibanaRandomKeyLog,
  'process-uid': processUid,
  'attack-without-trace': attackWithoutTrace,
  'host-folder-listing': hostFolderListing,
};

export async function runDemonstration(environment: CoreEnvironment, lab: string, lesson: Lesson): Promise<DemonstrationResult> {
  const ctx = await VerificationContext.forLab(environment, lab);
  const run = DEMONSTRATIONS[lesson.demonstration.id];
  const ranAt = environment.now().toISOString();
  if (!run) {
    return { demonstration: lesson.demonstration.id, title: lesson.demonstration.summary, tried: '', output: ['this demonstration is not available in this version of seclab'], shows: '', happened: false, ranAt };
  }
  const brokenPlan = planLab(ctx.record.spec, ctx.record.allocation, { broken: [lesson.break.id] });
  const shown = await run({ ctx, brokenPlan });
  return { demonstration: lesson.demonstration.id, ...shown, ranAt };
}
