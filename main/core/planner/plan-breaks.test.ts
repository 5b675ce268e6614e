import { describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { BREAK_IDS } from '../../../common/workshop.ts';
import { planLab } from './plan-lab.ts';

const spec = parseLabSpec({ name: 'demo', images: 'emulated' });
const allocation = { subnetIndex: 5, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } };
const secured = planLab(spec, allocation);

/** Which containers' config, which roles and which API/host steps a break changes. */
function changes(broken: (typeof BREAK_IDS)[number]) {
  const plan = planLab(spec, allocation, { broken: [broken] });
  return {
    containers: plan.containers.filter((c, i) => JSON.stringify(c) !== JSON.stringify(secured.containers[i])).map((c) => c.component),
    roles: plan.roles.filter((r, i) => JSON.stringify(r) !== JSON.stringify(secured.roles[i])).map((r) => r.name),
    steps: plan.workshopSteps?.map((s) => s.kind) ?? [],
    plan,
  };
}

describe('planLab with broken layers', () => {
  it('without breaks is the secured plan, untouched', () => {
    expect(planLab(spec, allocation, { broken: [] })).toEqual(secured);
    expect(secured.broken).toBeUndefined();
  });

  it('each break changes exactly one thing', () => {
    const table = Object.fromEntries(
      BREAK_IDS.map((id) => {
        const { containers, roles, steps } = changes(id);
        return [id, [...containers, ...roles, ...steps]];
      }),
    );
    expect(table).toEqual({
      'network-exposure': ['kibana'],
      'ip-filter': ['cluster-settings'],
      'transport-mutual-auth': ['es02'],
      'http-tls': ['es02'],
      'anonymous-access': ['es01'],
      'least-privilege': ['lab_analyst'],
      'service-accounts': ['kibana'],
      'secrets-in-env': ['kibana'],
      'kibana-encryption-keys': ['kibana'],
      'runtime-root': ['agent01'],
      'audit-off': ['es01'],
      'host-files': ['host-folder-mode'],
    });
  });

  it('http-tls turns off only HTTP TLS on es02, keeping security and its certificates', () => {
    const es02 = changes('http-tls').plan.containers.find((c) => c.component === 'es02')!;
    expect(es02.env['xpack.security.http.ssl.enabled']).toBe('false');
    expect(es02.env['xpack.security.enabled']).toBe('true');
    expect(es02.env['xpack.security.transport.ssl.enabled']).toBe('true');
  });

  it('breaks compose, and a break the lab cannot take is refused in words', () => {
    expect(planLab(spec, allocation, { broken: ['secrets-in-env', 'service-accounts'] }).broken).toEqual(['secrets-in-env', 'service-accounts']);
    const basic = parseLabSpec({ name: 'demo', images: 'emulated', license: 'basic' });
    expect(() => planLab(basic, allocation, { broken: ['audit-off'] })).toThrow(/needs audit logging, which Elasticsearch enforces only under a trial or paid licence/);
  });
});
