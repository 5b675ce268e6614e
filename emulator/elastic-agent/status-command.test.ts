import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentStateDocument, renderHumanStatus, runStatusCommand } from './status-command';
import { serveControlSocket, type DaemonState } from './control-socket';

const degraded: DaemonState = {
  info: { id: '9a4921cc', version: '8.8.0', commit: 'adf44ef2' },
  state: 'DEGRADED',
  message: '1 or more components/units in a failed state',
  fleet_state: 'HEALTHY',
  fleet_message: 'Connected',
  components: [
    {
      id: 'httpjson-default',
      state: 'HEALTHY',
      message: "Healthy communicating with pid '2875'",
      units: [
        { unit_id: 'httpjson-default-httpjson-generic', unit_type: 'input', state: 'FAILED', message: '[boom]' },
        { unit_id: 'httpjson-default', unit_type: 'output', state: 'FAILED', message: '[boom]' },
      ],
    },
  ],
};

describe('elastic-agent status output (status.go, testdata/status)', () => {
  it('human lists only what is not healthy, sorted (human_degraded)', () => {
    expect(renderHumanStatus(degraded, false)).toBe(
      [
        '┌─ fleet',
        '│  └─ status: (HEALTHY) Connected',
        '└─ elastic-agent',
        '   ├─ status: (DEGRADED) 1 or more components/units in a failed state',
        '   └─ httpjson-default',
        "      ├─ status: (HEALTHY) Healthy communicating with pid '2875'",
        '      ├─ httpjson-default',
        '      │  └─ status: (FAILED) [boom]',
        '      └─ httpjson-default-httpjson-generic',
        '         └─ status: (FAILED) [boom]',
      ].join('\n'),
    );
  });
  it('full adds info and the unit types in upper case', () => {
    const text = renderHumanStatus(degraded, true);
    expect(text).toContain('   ├─ info\n   │  ├─ id: 9a4921cc\n   │  ├─ version: 8.8.0\n   │  └─ commit: adf44ef2');
    expect(text).toContain('type: INPUT');
    expect(text).toContain('type: OUTPUT');
  });
  it('json: numeric states, FleetState/FleetMessage without json tags, components null when none', () => {
    const doc = agentStateDocument({ ...degraded, state: 'HEALTHY', message: 'Running', components: [] }, 'json');
    expect(doc).toMatchObject({ state: 2, message: 'Running', components: null, FleetState: 2, FleetMessage: 'Connected' });
    expect(Object.keys(doc)).toEqual(['info', 'state', 'message', 'components', 'FleetState', 'FleetMessage']);
    expect(Object.keys(doc.info as object)).toEqual(['id', 'version', 'commit', 'build_time', 'snapshot', 'pid', 'unprivileged', 'is_managed']);
    const units = (agentStateDocument(degraded, 'json').components as Array<{ units: Array<{ unit_type: number; state: number }> }>)[0]!.units;
    expect(units.map((u) => [u.unit_type, u.state])).toEqual([
      [0, 4],
      [1, 4],
    ]);
  });
  it('yaml: fleet_state/fleet_message and [] for no components', () => {
    const doc = agentStateDocument({ ...degraded, fleet_state: 'FAILED', components: [] }, 'yaml');
    expect(doc).toMatchObject({ state: 3, components: [], fleet_state: 4, fleet_message: 'Connected' });
  });
});

describe('elastic-agent status exit code', () => {
  it('exits 0 while the agent is HEALTHY even though Fleet is FAILED, 1 when the agent is DEGRADED', async () => {
    const statePath = mkdtempSync(join(tmpdir(), 'ea-status-'));
    let current: DaemonState = { ...degraded, state: 'HEALTHY', message: 'Running', fleet_state: 'FAILED', fleet_message: 'fail to checkin to fleet-server', components: [] };
    const server = await serveControlSocket(statePath, () => current);
    const stdout = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await runStatusCommand(['--output', 'json'], statePath)).toBe(0);
      current = degraded;
      expect(await runStatusCommand([], statePath)).toBe(1);
    } finally {
      process.stdout.write = stdout;
      server.close();
    }
  });
});
