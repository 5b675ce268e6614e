import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { SAMPLE_INDEX } from '../../stack/sample-index.ts';
import { elasticsearchBody, elasticsearchRequest, errorReasonOf } from './elasticsearch-request.ts';
import { httpsJson } from '../../stack/https-json.ts';
import type { Observed, VerificationContext } from '../verification-context.ts';

const DEFAULT_PASSWORDS = ['changeme', 'elastic', 'password', 'kibana', 'admin'];

async function statusAs(ctx: VerificationContext, path: string, auth?: { username: string; password: string }) {
  return httpsJson<{ error?: { reason?: string } }>({ url: `${ctx.connections.elasticsearchUrl}${path}`, caPem: ctx.caPem, basicAuth: auth, timeoutMs: 5000 });
}

export async function authenticationRequired(ctx: VerificationContext): Promise<Observed> {
  const response = await statusAs(ctx, '/');
  const challenge = response.headers['www-authenticate'];
  const evidence = [
    `GET / without credentials → HTTP ${response.status}`,
    `WWW-Authenticate: ${Array.isArray(challenge) ? challenge.join(' | ') : (challenge ?? '(none)')}`,
    `reason: ${response.body?.error?.reason ?? response.text.slice(0, 120)}`,
  ];
  return response.status === 401 ? { status: 'pass', evidence } : { status: 'fail', evidence, fix: 'Turn security on (xpack.security.enabled: true) and keep anonymous access off.' };
}

export async function strongPasswords(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const problems: string[] = [];
  const builtIns: Array<[string, 'elastic-password' | 'kibana-system-password']> = [['elastic', 'elastic-password']];
  if (ctx.containersOf('kibana').length) builtIns.push(['kibana_system', 'kibana-system-password']);
  // Every attempt at once (each is its own request); the evidence is read in the order they are listed.
  const answers = await Promise.all(
    builtIns.map(async ([username, secret]) => {
      const password = requireSecret(ctx.secrets, secret);
      const [works, ...guesses] = await Promise.all([password, ...DEFAULT_PASSWORDS].map((attempt) => statusAs(ctx, '/_security/_authenticate', { username, password: attempt })));
      return { username, password, works, guesses };
    }),
  );
  for (const { username, password, works, guesses } of answers) {
    evidence.push(`${username}: the lab's password (${password.length} characters) → HTTP ${works.status}`);
    if (works.status !== 200) problems.push(`${username}'s password in use is not the lab's random one`);
    if (password.length < 20) problems.push(`${username}'s password has only ${password.length} characters`);
    DEFAULT_PASSWORDS.forEach((guess, index) => {
      if (guesses[index].status === 200) problems.push(`${username} accepts the default password "${guess}"`);
    });
    evidence.push(`${username}: ${DEFAULT_PASSWORDS.length} default passwords (${DEFAULT_PASSWORDS.join(', ')}) tried → all refused${problems.some((p) => p.includes('default')) ? ' except one' : ''}`);
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export async function leastPrivilege(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const problems: string[] = [];
  const admin = { username: 'lab_admin', password: requireSecret(ctx.secrets, 'lab-admin-password') };
  const analyst = { username: 'analyst', password: requireSecret(ctx.secrets, 'analyst-password') };
  // Three independent questions, asked at once; the evidence keeps their order.
  const [users, read, write] = await Promise.all([
    elasticsearchBody<Record<string, { roles: string[] }>>(ctx, { path: `/_security/user/${ctx.plan.users.map((u) => encodeURIComponent(u.username)).join(',')}`, auth: admin }),
    elasticsearchRequest<{ hits?: { total?: number | { value: number } } }>(ctx, { method: 'POST', path: `/${SAMPLE_INDEX}/_search`, auth: analyst, body: { size: 1 } }).catch((error: Error) => error),
    elasticsearchRequest(ctx, { method: 'POST', path: `/${SAMPLE_INDEX}/_doc?refresh=false`, auth: analyst, body: { message: 'seclab least-privilege probe' } }).catch((error: Error) => error),
  ]);
  for (const user of ctx.plan.users) {
    const found = users[user.username];
    evidence.push(`user ${user.username}: ${found ? `roles ${found.roles.join(', ')}` : 'MISSING'}`);
    if (!found) problems.push(`user ${user.username} is missing`);
  }
  if (!(read instanceof Error) && read.status >= 200 && read.status < 300) {
    const total = read.body?.hits?.total;
    evidence.push(`analyst GET /${SAMPLE_INDEX}/_search → 200, ${typeof total === 'object' ? total.value : total} hits`);
  } else {
    const status = read instanceof Error ? undefined : read.status;
    problems.push(`the analyst cannot read ${SAMPLE_INDEX} (HTTP ${status ?? '?'})`);
    evidence.push(`analyst GET /${SAMPLE_INDEX}/_search → ${status ?? (read as Error).message}`);
  }
  if (!(write instanceof Error) && write.status >= 200 && write.status < 300) {
    problems.push(`the analyst could write to ${SAMPLE_INDEX}`);
    evidence.push(`analyst POST /${SAMPLE_INDEX}/_doc → ${write.status}: the write was ALLOWED`);
  } else {
    const status = write instanceof Error ? undefined : write.status;
    evidence.push(`analyst POST /${SAMPLE_INDEX}/_doc → ${status}: ${(write instanceof Error ? undefined : errorReasonOf(write)) ?? (write instanceof Error ? write.message : write.text.slice(0, 200))}`);
    if (status !== 403) problems.push(`the analyst's write got ${status ?? 'no answer'} instead of 403`);
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence], fix: 'Give the analyst role read and view_index_metadata on lab-* only, nothing else.' } : { status: 'pass', evidence };
}

function envOf(info: { Config: { Env?: string[] } } | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of info?.Config.Env ?? []) {
    const index = entry.indexOf('=');
    env[entry.slice(0, index)] = entry.slice(index + 1);
  }
  return env;
}

export async function serviceAccounts(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const problems: string[] = [];
  await ctx.requireContainers([...ctx.containersOf('kibana'), ...ctx.containersOf('fleet-server')]);
  for (const kibana of ctx.containersOf('kibana')) {
    const info = await ctx.inspect(kibana);
    const env = envOf(info);
    const yml = (await ctx.readContainerFile(kibana, '/usr/share/kibana/config/kibana.yml')) ?? '';
    const ymlUser = /^\s*elasticsearch\.username:\s*["']?([^"'\s]+)/m.exec(yml)?.[1];
    const user = env.ELASTICSEARCH_USERNAME ?? ymlUser;
    const token = env.ELASTICSEARCH_SERVICEACCOUNTTOKEN !== undefined || /elasticsearch\.serviceAccountToken/.test(yml);
    evidence.push(
      `kibana connects to Elasticsearch as ${token ? 'a service-account token' : user ? `user ${user}` : 'nobody configured'}${info?.State.Running ? ' and is running' : ` and is ${info?.State.Status ?? 'missing'}${info?.State.ExitCode ? ` (exit ${info.State.ExitCode})` : ''}`}`,
    );
    if (user === 'elastic') problems.push('Kibana is configured with the elastic superuser');
    else if (!token && user !== 'kibana_system') problems.push(`Kibana uses ${user ?? 'no user'} instead of kibana_system`);
  }
  for (const fleet of ctx.containersOf('fleet-server')) {
    const env = envOf(await ctx.inspect(fleet));
    const tokenPath = env.FLEET_SERVER_SERVICE_TOKEN_PATH;
    if (env.FLEET_SERVER_ELASTICSEARCH_USERNAME || env.ELASTICSEARCH_USERNAME) problems.push('Fleet Server is given a username instead of a service token');
    const token = tokenPath ? (await ctx.readContainerFile(fleet, tokenPath))?.trim() : env.FLEET_SERVER_SERVICE_TOKEN;
    if (!token) {
      problems.push('Fleet Server has no service token');
      continue;
    }
    const who = await httpsJson<{ username?: string; authentication_type?: string }>({
      url: `${ctx.connections.elasticsearchUrl}/_security/_authenticate`,
      caPem: ctx.caPem,
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 5000,
    });
    evidence.push(`fleet-server's token (from ${tokenPath ?? 'env'}) authenticates as ${who.body?.username ?? `HTTP ${who.status}`} (${who.body?.authentication_type ?? '?'})`);
    if (who.body?.username !== 'elastic/fleet-server') problems.push(`Fleet Server's token authenticates as ${who.body?.username ?? 'nobody'}, not elastic/fleet-server`);
  }
  if (!evidence.length) return { status: 'info', evidence: ['this lab has neither Kibana nor Fleet Server'] };
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export { envOf };
