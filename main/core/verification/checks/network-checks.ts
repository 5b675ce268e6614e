import type { Observed, VerificationContext } from '../verification-context.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1']);

export async function loopbackOnly(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const exposed: string[] = [];
  await ctx.requireContainers(ctx.plan.containers);
  for (const container of ctx.plan.containers) {
    const info = await ctx.inspect(container);
    if (!info) continue;
    const bindings = (info.HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
    for (const [port, hosts] of Object.entries(bindings)) {
      for (const host of hosts ?? []) {
        const ip = host.HostIp || '0.0.0.0';
        evidence.push(`${container.component}: ${port} published on ${ip}:${host.HostPort}`);
        if (!LOOPBACK.has(ip)) exposed.push(`${container.component} ${port} on ${ip}:${host.HostPort}`);
      }
    }
  }
  if (!evidence.length) evidence.push('no lab container publishes a port');
  if (exposed.length) {
    return { status: 'fail', evidence: [`published beyond loopback: ${exposed.join('; ')}`, ...evidence], fix: `Recreate ${exposed.map((e) => e.split(' ')[0]).join(', ')} with ports on 127.0.0.1 only (seclab reset).` };
  }
  return { status: 'pass', evidence: [`docker inspect of ${ctx.plan.containers.length} containers: every published port binds 127.0.0.1`, ...evidence] };
}

export async function dedicatedNetwork(ctx: VerificationContext): Promise<Observed> {
  const evidence: string[] = [];
  const problems: string[] = [];
  let network;
  try {
    network = await ctx.engine.docker.getNetwork(ctx.plan.network.name).inspect();
  } catch {
    return { status: 'fail', evidence: [`network ${ctx.plan.network.name} does not exist`], fix: 'Recreate the lab (seclab reset).' };
  }
  const subnets = (network.IPAM?.Config ?? []).map((c: { Subnet?: string }) => c.Subnet);
  evidence.push(`network ${network.Name}: driver ${network.Driver}, fixed subnet ${subnets.join(', ') || 'none'}, label seclab.lab=${network.Labels?.['seclab.lab'] ?? '(missing)'}`);
  if (network.Labels?.['seclab.lab'] !== ctx.lab) problems.push("the network does not carry this lab's label");
  if (!subnets.length) problems.push('the network has no fixed subnet');
  // Podman's inspect never shows the address a container asked for (IPAMConfig is null in its compat and libpod
  // inspect alike, podman 4), so there a planned address seen on the container is all there is to see.
  const podman = await ctx.engine.isPodman();
  const unseenOnPodman: string[] = [];
  for (const container of ctx.plan.containers) {
    const info = await ctx.inspect(container);
    if (!info) {
      evidence.push(`${container.component}: missing (no container)`);
      continue;
    }
    const networks = Object.entries(info.NetworkSettings.Networks ?? {});
    const own = info.NetworkSettings.Networks?.[ctx.plan.network.name];
    const staticIp = (own as { IPAMConfig?: { IPv4Address?: string } } | undefined)?.IPAMConfig?.IPv4Address;
    evidence.push(`${container.component}: networks ${networks.map(([name, n]) => `${name} ${n.IPAddress}`).join(', ')}${staticIp ? ` (static ${staticIp})` : ' (no static address)'}`);
    if (networks.length !== 1 || !own) problems.push(`${container.component} is attached to ${networks.map(([name]) => name).join(', ')}`);
    if (!staticIp && podman && own?.IPAddress === container.ip) unseenOnPodman.push(`${container.component} ${container.ip}`);
    else if (!staticIp) problems.push(`${container.component} has no static address`);
  }
  if (!problems.length && unseenOnPodman.length) {
    return {
      status: 'warn',
      evidence: [`Podman does not show whether an address was asked for (its container inspect has no IPAMConfig); each container has its planned address: ${unseenOnPodman.join(', ')}`, ...evidence],
      fix: 'Nothing to change in the lab: on Docker this check sees the static addresses.',
    };
  }
  return problems.length ? { status: 'fail', evidence: [problems.join('; '), ...evidence], fix: 'Attach each container only to the lab network with its static address (seclab reset).' } : { status: 'pass', evidence };
}

export async function ipFilter(ctx: VerificationContext): Promise<Observed> {
  if (ctx.record.spec.license === 'basic') {
    return {
      status: 'info',
      evidence: ['the lab runs the basic licence: Elasticsearch enforces IP filtering only under a trial or paid licence, as in the real product'],
      fix: 'Create the lab with --license trial to see IP filtering enforced.',
    };
  }
  const { ip: outsiderIp, observations } = await ctx.outsiderObservations();
  const evidence = observations.map((o) => `from ${outsiderIp} (not on the allow list) to ${o.name} ${o.ip}:9200: ${o.httpReach?.detail}`);
  const admitted = observations.filter((o) => o.httpReach?.connected);
  // A node that does not even complete the TCP handshake (stopped, unreachable) proves nothing about its filter.
  const unreachable = observations.filter((o) => !o.httpReach?.connected && !o.httpReach?.tcpConnected);
  if (!admitted.length && unreachable.length) {
    return {
      status: 'error',
      evidence: [`${unreachable.map((o) => o.name).join(', ')} could not be reached at all (no TCP connection): the refusal proves nothing about IP filtering`, ...evidence],
      fix: `Start ${unreachable.map((o) => o.name).join(', ')} (seclab up) and verify again.`,
    };
  }
  if (admitted.length) {
    return {
      status: 'fail',
      evidence: [`${admitted.map((o) => o.name).join(', ')} answered an address outside the allow list`, ...evidence],
      fix: "Set xpack.security.http.filter.enabled, .allow (the lab's addresses) and .deny: _all on every node.",
    };
  }
  return { status: 'pass', evidence: [...evidence, "the same nodes answer the lab's own addresses (see transport and HTTP checks)"] };
}
