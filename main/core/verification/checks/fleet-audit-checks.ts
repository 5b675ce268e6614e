import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { httpsJson } from '../../stack/https-json.ts';
import { listFleetAgents } from '../../stack/kibana-fleet-setup.ts';
import { agentName, describeAgentNotOnline } from './agent-listing.ts';
import { hostTlsHandshake } from './tls-checks.ts';
import { envOf } from './auth-checks.ts';
import type { Observed, VerificationContext } from '../verification-context.ts';
import { auditEventEvidence } from './audit-evidence.ts';

export async function fleetServerTls(ctx: VerificationContext): Promise<Observed> {
  if (!ctx.containersOf('fleet-server').length) return { status: 'info', evidence: ['this lab has no Fleet Server'] };
  const port = ctx.hostPort(ctx.record.allocation.ports.fleetServer);
  const tls = await hostTlsHandshake(port, ctx.caPem, 'fleet-server');
  const evidence = [tls.detail];
  if (!tls.ok) return { status: 'fail', evidence: ['Fleet Server does not serve HTTPS with a lab certificate', ...evidence] };
  const status = await httpsJson<{ status?: string }>({ url: `https://127.0.0.1:${port}/api/status`, caPem: ctx.caPem, timeoutMs: 5000 });
  evidence.push(`GET /api/status → HTTP ${status.status} ${status.text.slice(0, 80)}`, `hostname fleet-server ${tls.nameVerified ? 'verified' : 'NOT verified'}`);
  if (!tls.chainEndsAtCa || !tls.nameVerified) return { status: 'fail', evidence: ["Fleet Server's certificate is not a lab certificate for fleet-server", ...evidence] };
  return { status: 'pass', evidence };
}

export async function agentsEnrolled(ctx: VerificationContext): Promise<Observed> {
  const agents = ctx.containersOf('agent');
  if (!agents.length) return { status: 'info', evidence: ['this lab has no agents'] };
  const evidence: string[] = [];
  const problems: string[] = [];
  await ctx.requireContainers(agents);
  for (const agent of agents) {
    const env = envOf(await ctx.inspect(agent));
    evidence.push(`${agent.component}: FLEET_URL ${env.FLEET_URL ?? '(none)'}, FLEET_CA ${env.FLEET_CA ?? '(none)'}${env.FLEET_INSECURE ? `, FLEET_INSECURE=${env.FLEET_INSECURE}` : ''}`);
    if (env.FLEET_INSECURE && !/^(0|false)$/i.test(env.FLEET_INSECURE)) problems.push(`${agent.component} enrolls with FLEET_INSECURE (no verification)`);
    if (!env.FLEET_CA) problems.push(`${agent.component} has no FLEET_CA`);
    if (env.FLEET_URL && !env.FLEET_URL.startsWith('https://')) problems.push(`${agent.component} talks to Fleet over plain HTTP`);
  }
  const kibana = { url: ctx.connections.kibana!.url, caPem: ctx.caPem, username: 'lab_admin', password: requireSecret(ctx.secrets, 'lab-admin-password') };
  const listed = await listFleetAgents(kibana);
  const online = listed.filter((a) => a.status === 'online');
  evidence.push(`GET /api/fleet/agents: ${listed.map((a) => `${agentName(a)} ${a.status}`).join(', ') || 'none'}`);
  const expected = agents.length + ctx.containersOf('fleet-server').length;
  if (online.length < expected) {
    const notOnline = listed.filter((a) => a.status !== 'online').map((a) => describeAgentNotOnline(a, Date.now()));
    problems.push(`${online.length} of ${expected} agents (Fleet Server included) online${notOnline.length ? `: ${notOnline.join(', ')}` : ''}`);
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence] } : { status: 'pass', evidence };
}

export async function auditLogging(ctx: VerificationContext): Promise<Observed> {
  if (ctx.record.spec.license === 'basic') {
    return { status: 'info', evidence: ['the lab runs the basic licence: audit logging needs a trial or paid licence, as in the real product'], fix: 'Create the lab with --license trial.' };
  }
  const marker = `seclab-audit-probe-${Date.now()}`;
  const failed = await httpsJson({ url: `${ctx.connections.elasticsearchUrl}/_security/_authenticate`, caPem: ctx.caPem, basicAuth: { username: marker, password: 'wrong-password-for-audit-probe' }, timeoutMs: 5000 });
  const evidence = [`GET /_security/_authenticate as unknown user ${marker} → HTTP ${failed.status}`];
  const es01 = ctx.containersOf('elasticsearch')[0];
  // The official image's log4j2.properties sends audit events to a Console appender: they are
  // in the container's log, one JSON object a line with "type":"audit"; no audit file is written.
  for (let attempt = 0; attempt < 10; attempt++) {
    const logs = await ctx.engine.logs(es01.name, { tail: 400 }).catch(() => '');
    const event = logs
      .split('\n')
      .map(auditEventOf)
      .find((e) => e?.['user.name'] === marker && e['event.action'] === 'authentication_failed');
    if (event) return { status: 'pass', evidence: [...evidence, ...auditEventEvidence(es01.component, event)] };
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return { status: 'fail', evidence: [...evidence, "no authentication_failed audit event for it in es01's log (the official image writes audit events to the console)"] };
}

function auditEventOf(line: string): Record<string, unknown> | undefined {
  const start = line.indexOf('{');
  if (start < 0 || !line.includes('"audit"')) return undefined;
  try {
    const event = JSON.parse(line.slice(start)) as Record<string, unknown>;
    return event.type === 'audit' ? event : undefined;
  } catch {
    return undefined;
  }
}

export async function cloudPrivateLink(): Promise<Observed> {
  return { status: 'info', evidence: ["Elastic Cloud only. Locally, the lab's own Docker network with static addresses and loopback-only ports play that part (see network.dedicated and network.loopback-only)."] };
}

export async function cloudBringYourOwnKey(): Promise<Observed> {
  return { status: 'info', evidence: ['Elastic Cloud only. Locally, encrypt the disk Docker keeps its volumes on (LUKS, FileVault, BitLocker); the lab cannot see that from inside.'] };
}
