import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { httpsJson } from '../../stack/https-json.ts';
import { hostTlsHandshake, plainHttpAnswered } from './tls-checks.ts';
import { envOf } from './auth-checks.ts';
import type { Observed, VerificationContext } from '../verification-context.ts';
import { listedWhen, type KeystoreListing } from '../keystore-listings.ts';

const ENCRYPTION_KEYS = [
  ['xpack.security.encryptionKey', 'kibana-security-encryption-key'],
  ['xpack.encryptedSavedObjects.encryptionKey', 'kibana-saved-objects-encryption-key'],
  ['xpack.reporting.encryptionKey', 'kibana-reporting-encryption-key'],
] as const;

const noKibana = (): Observed => ({ status: 'info', evidence: ['this lab has no Kibana'] });

/** Kibana's effective settings: kibana.yml overlaid by the env names kibana-docker maps. */
async function kibanaSettings(ctx: VerificationContext): Promise<Record<string, string>> {
  const kibana = ctx.containersOf('kibana')[0];
  await ctx.requireContainers([kibana]);
  const settings: Record<string, string> = {};
  const yml = (await ctx.readContainerFile(kibana, '/usr/share/kibana/config/kibana.yml')) ?? '';
  for (const line of yml.split('\n')) {
    const match = /^\s*([A-Za-z][\w.]*):\s*(.*?)\s*$/.exec(line);
    if (match && match[2] !== '') settings[match[1]] = match[2].replace(/^["']|["']$/g, '');
  }
  const env = envOf(await ctx.inspect(kibana));
  const names = [
    'elasticsearch.hosts',
    'elasticsearch.ssl.certificateAuthorities',
    'elasticsearch.ssl.verificationMode',
    'xpack.security.session.idleTimeout',
    'xpack.security.session.lifespan',
    'server.ssl.enabled',
    ...ENCRYPTION_KEYS.map(([setting]) => setting),
  ];
  for (const name of names) {
    const value = env[name.toUpperCase().replace(/\./g, '_')];
    if (value !== undefined) settings[name] = value;
  }
  return settings;
}

export async function kibanaHttps(ctx: VerificationContext): Promise<Observed> {
  if (!ctx.containersOf('kibana').length) return noKibana();
  const port = ctx.hostPort(ctx.record.allocation.ports.kibana);
  const [plain, tls] = await Promise.all([plainHttpAnswered(port), hostTlsHandshake(port, ctx.caPem, 'kibana')]);
  const evidence = [plain.detail, tls.detail];
  if (plain.answered) return { status: 'fail', evidence: ['Kibana answers plain HTTP', ...evidence] };
  if (!tls.ok) return { status: 'fail', evidence: ['Kibana does not serve HTTPS', ...evidence] };
  // One line in the form http.cert-valid gives each node ("name: subject, SANs, expiry"): the Topology tab shows it as Kibana's certificate.
  if (tls.certificate) evidence.push(`kibana: ${tls.certificate.subject.replace(/\n/g, ', ')}, SAN ${tls.certificate.subjectAltName ?? '(none)'}; valid until ${tls.certificate.validTo}`);
  if (!tls.chainEndsAtCa || !tls.localhostVerified) return { status: 'fail', evidence: ["Kibana's certificate is not a lab certificate for localhost", ...evidence] };
  return { status: 'pass', evidence };
}

export async function kibanaVerifiesElasticsearch(ctx: VerificationContext): Promise<Observed> {
  if (!ctx.containersOf('kibana').length) return noKibana();
  const settings = await kibanaSettings(ctx);
  const hosts = settings['elasticsearch.hosts'] ?? '(default http://elasticsearch:9200)';
  const mode = settings['elasticsearch.ssl.verificationMode'] ?? 'full (default)';
  const ca = settings['elasticsearch.ssl.certificateAuthorities'];
  const status = await httpsJson<{ status?: { overall?: { level?: string }; core?: { elasticsearch?: { level?: string; summary?: string } } } }>({
    url: `${ctx.connections.kibana!.url}/api/status`,
    caPem: ctx.caPem,
    basicAuth: { username: 'lab_admin', password: requireSecret(ctx.secrets, 'lab-admin-password') },
    timeoutMs: 5000,
  }).catch((error: Error) => ({ status: 0, body: undefined, text: error.message }));
  const esLevel = status.body?.status?.core?.elasticsearch?.level ?? status.body?.status?.overall?.level;
  const evidence = [
    `kibana settings: elasticsearch.hosts ${hosts}; ssl.certificateAuthorities ${ca ?? '(none)'}; ssl.verificationMode ${mode}`,
    `GET /api/status → HTTP ${status.status}, Elasticsearch ${esLevel ?? 'unknown'}${status.body?.status?.core?.elasticsearch?.summary ? ` (${status.body.status.core.elasticsearch.summary})` : ''}`,
  ];
  const problems: string[] = [];
  if (!/^\[?\s*"?https:\/\//.test(hosts) || /http:\/\//.test(hosts)) problems.push('Kibana reaches Elasticsearch over plain HTTP');
  if (!ca) problems.push('Kibana has no CA for Elasticsearch');
  if (/none|certificate/.test(mode) && !/full/.test(mode)) problems.push(`Kibana's verificationMode is ${mode}`);
  if (esLevel !== 'available') problems.push('Kibana is not connected to Elasticsearch');
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export async function kibanaEncryptionKeys(ctx: VerificationContext): Promise<Observed> {
  if (!ctx.containersOf('kibana').length) return noKibana();
  const kibana = ctx.containersOf('kibana')[0];
  // The keystore listing, the settings and this run's log, read at once.
  const [listing, settings, logs] = await Promise.all([
    ctx.keystoreListing(kibana).catch((error: Error): KeystoreListing => ({ exitCode: -1, output: error.message })),
    kibanaSettings(ctx).catch((error: Error) => error),
    ctx.inspect(kibana).then((info) => {
      // Only this run's log: a warning from before the last restart says nothing about the keys Kibana has now.
      const startedAt = Date.parse(info?.State.StartedAt ?? '');
      return ctx.engine.logs(kibana.name, { tail: 500, since: Number.isFinite(startedAt) ? Math.floor(startedAt / 1000) : undefined }).catch(() => '');
    }),
  ]);
  if (listing.exitCode === -1) {
    // The keystore could not be listed (Kibana not running): that proves neither presence nor absence of a key.
    return { status: 'error', evidence: [`kibana-keystore list could not run in ${kibana.component}: ${listing.output.trim().slice(0, 200)}`], fix: 'Start Kibana (seclab up) and verify again.' };
  }
  const entries = listing.output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (settings instanceof Error) throw settings;
  const evidence = [`kibana-keystore list (exit ${listing.exitCode}${listedWhen(listing)}): ${entries.join(', ') || '(empty)'}`];
  const problems: string[] = [];
  const values: string[] = [];
  for (const [setting, secret] of ENCRYPTION_KEYS) {
    const inKeystore = entries.includes(setting);
    const outside = settings[setting] !== undefined;
    const value = ctx.secrets[secret];
    evidence.push(`${setting}: ${inKeystore ? 'in the keystore' : 'NOT in the keystore'}${outside ? ', ALSO in env/yml' : ''}${value ? `, ${value.length} characters` : ''}`);
    if (!inKeystore) problems.push(`${setting} is not in the keystore`);
    if (outside) problems.push(`${setting} is set outside the keystore`);
    if (value && value.length < 32) problems.push(`${setting} is shorter than 32 characters`);
    if (value) values.push(value);
  }
  if (new Set(values).size !== values.length) problems.push('two encryption keys are the same');
  const generated = logs.split('\n').filter((line) => /Generating a random key for|encryptionKey.*(missing|not set)|not set.*encryptionKey/i.test(line));
  if (generated.length) {
    problems.push('Kibana logged that a key was missing');
    evidence.push(...generated.slice(0, 3).map((line) => `log: ${line.slice(0, 200)}`));
  } else evidence.push("Kibana's log has no missing-key warning");
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export async function kibanaSession(ctx: VerificationContext): Promise<Observed> {
  if (!ctx.containersOf('kibana').length) return noKibana();
  const settings = await kibanaSettings(ctx);
  const login = await httpsJson({
    method: 'POST',
    url: `${ctx.connections.kibana!.url}/internal/security/login`,
    caPem: ctx.caPem,
    headers: { 'kbn-xsrf': 'seclab', 'x-elastic-internal-origin': 'Kibana' },
    body: { providerType: 'basic', providerName: 'basic', currentURL: `${ctx.plan.endpoints.kibana}/login`, params: { username: 'lab_admin', password: requireSecret(ctx.secrets, 'lab-admin-password') } },
    timeoutMs: 5000,
  });
  const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
  const sid = cookies.find((c) => /^sid=/.test(c)) ?? cookies[0];
  const flags = sid
    ? sid
        .split(';')
        .slice(1)
        .map((f) => f.trim())
    : [];
  const evidence = [
    `idleTimeout ${settings['xpack.security.session.idleTimeout'] ?? '(not set)'}, lifespan ${settings['xpack.security.session.lifespan'] ?? '(not set)'}`,
    `POST /internal/security/login as lab_admin → HTTP ${login.status}; cookie flags: ${flags.join('; ') || '(no cookie)'}`,
  ];
  const problems: string[] = [];
  if (!settings['xpack.security.session.idleTimeout']) problems.push('no session idle timeout');
  if (!settings['xpack.security.session.lifespan']) problems.push('no session lifespan');
  if (!sid) problems.push('login set no session cookie');
  else {
    if (!flags.some((f) => /^secure$/i.test(f))) problems.push('the session cookie is not Secure');
    if (!flags.some((f) => /^httponly$/i.test(f))) problems.push('the session cookie is not HttpOnly');
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}
