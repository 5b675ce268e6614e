import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { hostSubnets } from './host-subnets.ts';
import { healthcheckOverdue, podmanHealthcheckDeadlineMs } from './podman-health.ts';
import { rlimitRefusal } from './rlimit-refusal.ts';

describe('hostSubnets: what Podman counts as used on its host', () => {
  it('reads the routes, down bridges included, and the interfaces, without loopback or the default route', () => {
    const routes = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'br-e9a2b95f2eb0\t00011DAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    ].join('\n');
    const interfaces = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '192.0.2.2', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.0.2.2/24' },
        { address: 'fd00::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fd00::2/64', scopeid: 0 },
      ],
      'br-3eb587f8431e': [{ address: '172.29.3.1', netmask: '255.255.255.0', family: 'IPv4', mac: '02:42:00:00:00:01', internal: false, cidr: '172.29.3.1/24' }],
    } as unknown as Parameters<typeof hostSubnets>[0];
    expect(hostSubnets(interfaces, routes).sort()).toEqual(['172.17.0.0/16', '172.29.1.0/24', '172.29.3.0/24', '192.0.2.0/24']);
  });

  it('is empty where there is neither (no /proc, no interfaces)', () => {
    expect(hostSubnets({}, '')).toEqual([]);
  });
});

describe('healthcheckOverdue: a Podman with nothing to run its healthchecks', () => {
  const started = '2026-11-30T20:00:00.000Z';
  const t0 = Date.parse(started);
  const container = (health: { Status: string; Log: Array<{ End: string }> | null } | undefined, running = true) =>
    ({
      State: { Running: running, StartedAt: started, ...(health ? { Health: health } : {}) },
      Config: { Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 5e9 } },
    }) as unknown as Docker.ContainerInspectInfo;

  it('is overdue once two intervals pass with no run (Podman 4 without systemd: "starting", Log null)', () => {
    expect(healthcheckOverdue(container({ Status: 'starting', Log: null }), t0 + 9_000)).toBe(false);
    expect(healthcheckOverdue(container({ Status: 'starting', Log: null }), t0 + 11_000)).toBe(true);
  });

  it('counts from the last run', () => {
    const ran = container({ Status: 'healthy', Log: [{ End: '2026-11-30T20:01:00.000Z' }] });
    expect(healthcheckOverdue(ran, Date.parse('2026-11-30T20:01:05.000Z'))).toBe(false);
    expect(healthcheckOverdue(ran, Date.parse('2026-11-30T20:01:11.000Z'))).toBe(true);
  });

  it('never for a stopped container or one without a healthcheck', () => {
    expect(healthcheckOverdue(container({ Status: 'starting', Log: null }, false), t0 + 60_000)).toBe(false);
    expect(healthcheckOverdue(container(undefined), t0 + 60_000)).toBe(false);
  });
});

describe('rlimitRefusal: runc may not set a limit', () => {
  const runc =
    'runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted: OCI permission denied';

  it('names the limit and, on Podman, the containers.conf fix', () => {
    expect(rlimitRefusal(runc, 'seclab-x-es01', true)).toMatch(
      /^the engine may not give seclab-x-es01 the nofile limit it was created with \(runc: operation not permitted\): this Podman gives every container nofile and nproc 1048576 unless told .*default_ulimits/,
    );
    expect(rlimitRefusal(runc.replace('type 7', 'type 6'), 'c', false)).toMatch(/the nproc limit .*dockerd --default-ulimit/);
  });

  it('leaves other errors alone', () => {
    expect(rlimitRefusal('Bind for 127.0.0.1:9200 failed: port is already allocated', 'c', true)).toBeUndefined();
  });
});

describe('podmanHealthcheckDeadlineMs: how long a healthcheck run seclab asks Podman for may take', () => {
  const withTimeout = (Timeout?: number) => ({ Config: { Healthcheck: { Test: ['CMD', 'true'], ...(Timeout === undefined ? {} : { Timeout }) } } }) as unknown as Docker.ContainerInspectInfo;
  it("is the healthcheck's own timeout and a 2 s grace; 30 s, the engines' default, when it names none", () => {
    expect(podmanHealthcheckDeadlineMs(withTimeout(3e9))).toBe(5_000);
    expect(podmanHealthcheckDeadlineMs(withTimeout())).toBe(32_000);
  });
});
