import { describe, expect, it, vi } from 'vitest';
import type { ContainerPlan } from '../../../common/lab-plan.ts';
import { observeWithinReach } from './check-reach.ts';
import type { ComponentState } from './component-state.ts';
import type { Observed, VerificationContext } from './verification-context.ts';

/** A context whose only knowledge is which components are running: what the reach rules read. */
function contextWith(states: Record<string, string>, license = 'trial'): VerificationContext {
  const containers = Object.keys(states).map(
    (component) => ({ component, kind: component.startsWith('es') ? 'elasticsearch' : component === 'fleet-server' ? 'fleet-server' : component.startsWith('agent') ? 'agent' : 'kibana' }) as ContainerPlan,
  );
  const stateOf = (c: ContainerPlan): ComponentState => ({ component: c.component, probeable: states[c.component] === 'running', description: states[c.component] });
  return {
    lab: 'demo',
    record: { spec: { license } },
    containersOf: (kind: string) => containers.filter((c) => c.kind === kind),
    unprobeable: async (list: ContainerPlan[]) => list.map(stateOf).filter((s) => !s.probeable),
  } as unknown as VerificationContext;
}

const pass: Observed = { status: 'pass', evidence: ['es01 fine', 'es02 fine'] };

describe('observeWithinReach', () => {
  it('a node that is down: the others are probed, the check is error and names its state first', async () => {
    const ctx = contextWith({ es01: 'running', es02: 'running', es03: 'exited (stopped)' });
    const observed = await observeWithinReach('transport.mutual-auth', ctx, async () => pass);
    expect(observed.status).toBe('error');
    expect(observed.evidence).toEqual(['es03 is exited (stopped): cannot probe its transport port (9300)', 'es01 fine', 'es02 fine']);
    expect(observed.fix).toMatch(/^Start es03 \(`seclab up --lab demo`\)/);
  });

  it('a fail proved on the running nodes stays fail, with the unprobed node named after its headline', async () => {
    const ctx = contextWith({ es01: 'running', es02: 'running', es03: 'paused' });
    const observed = await observeWithinReach('http.tls', ctx, async () => ({ status: 'fail', evidence: ['es02 does not speak TLS on 9200', 'detail'] }));
    expect(observed).toMatchObject({ status: 'fail', evidence: ['es02 does not speak TLS on 9200', 'es03 is paused: cannot probe its HTTP port (9200)', 'detail'] });
  });

  it('the way in is down (es01 publishes the port): error without probing', async () => {
    const probe = vi.fn(async () => pass);
    const ctx = contextWith({ es01: 'missing (no container)', es02: 'running' });
    const observed = await observeWithinReach('auth.required', ctx, probe);
    expect(probe).not.toHaveBeenCalled();
    expect(observed).toMatchObject({ status: 'error', evidence: ['es01 is missing (no container): cannot probe the published Elasticsearch port'] });
  });

  it('every probed component down: error without probing', async () => {
    const probe = vi.fn(async () => pass);
    const observed = await observeWithinReach('kibana.https', contextWith({ es01: 'running', kibana: 'restarting (exit code 1, restarted 3 times)' }), probe);
    expect(probe).not.toHaveBeenCalled();
    expect(observed.evidence[0]).toBe('kibana is restarting (exit code 1, restarted 3 times): cannot probe its HTTPS port');
  });

  it('checks that read only configuration, and checks that prove nothing live (basic licence), run as they are', async () => {
    const ctx = contextWith({ es01: 'exited (stopped)' }, 'basic');
    const info: Observed = { status: 'info', evidence: ['basic licence'] };
    expect(await observeWithinReach('network.ip-filter', ctx, async () => info)).toBe(info);
    expect(await observeWithinReach('runtime.non-root', ctx, async () => pass)).toBe(pass);
  });
});
