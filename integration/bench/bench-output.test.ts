import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultEnvironment } from '../../main/core/environment.ts';

/**
 * Issue #13: `npm run bench` prints every figure as JSON, with median, min and max of its runs, the
 * per-phase breakdown of `up` and `reset`, the Compose ratio, and the machine it ran on. This runs the
 * bench itself (bench/run.ts, as `npm run -s bench` does) and reads its output; it asserts no time.
 */
const run = promisify(execFile);
const root = new URL('../../', import.meta.url);

async function bench(targets: string[], runs: number) {
  const running = run(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...targets], {
    cwd: root,
    env: { ...process.env, BENCH_RUNS: String(runs) },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  // The bench names its labs after its process: bl<pid % 10000><run>, bx… for Compose's.
  const labPrefix = String(running.child.pid! % 10000);
  const { stdout } = await running;
  // stdout is the JSON alone: progress goes to stderr.
  return { labPrefix, ...(JSON.parse(stdout) as { machine: Record<string, unknown>; results: Array<Record<string, unknown> & { name: string }> }) };
}

const UP_PHASES = ['preflight', 'images', 'network', 'certificates', 'elasticsearch', 'security-setup', 'kibana', 'fleet', 'agents'];

function expectSpread(value: unknown, what: string) {
  const { median, min, max } = value as { median: number; min: number; max: number };
  for (const figure of [median, min, max]) expect(Number.isFinite(figure), what).toBe(true);
  expect(min, what).toBeLessThanOrEqual(median);
  expect(median, what).toBeLessThanOrEqual(max);
}

function expectFigure(result: Record<string, unknown> | undefined, runs: number) {
  expect(result).toBeDefined();
  const { samples, unit } = result as { samples: number[]; unit: string };
  expect(unit).toBe('ms');
  expect(result!.runs).toBe(runs);
  expect(samples).toHaveLength(runs);
  expectSpread(result, String(result!.name));
  expect(result!.min).toBe(Math.min(...samples));
  expect(result!.max).toBe(Math.max(...samples));
}

describe('npm run bench', () => {
  it('PKI over 3 runs: median, min and max of the samples, and the machine it ran on', async () => {
    const { machine, results } = await bench(['pki'], 3);
    expect(results.map((r) => r.name)).toEqual(['pki.default-lab']);
    expectFigure(results[0], 3);
    expect(machine).toMatchObject({ cpus: expect.any(Number), cpuModel: expect.any(String), kernel: expect.any(String), engine: { version: expect.any(String) }, images: 'emulated' });
  }, 120_000);

  it('the lab and Compose figures: every figure, the phases of up and reset, the CPU parts and the ratio, with nothing left in the engine', async () => {
    const { results, labPrefix } = await bench(['lab', 'compose'], 1);
    const byName = new Map(results.map((r) => [r.name, r]));
    expect([...byName.keys()]).toEqual([
      'lab.up-all-healthy',
      'lab.up-and-every-check-verified',
      'lab.checks-first-run',
      'lab.checks-in-process',
      'lab.status-cold-cli',
      'lab.reset',
      'lab.down-purge',
      'compose.up-all-healthy',
      'lab.up-vs-compose',
    ]);
    for (const [name, result] of byName) if (name !== 'lab.up-vs-compose') expectFigure(result, 1);
    const phasesOf = (name: string) =>
      (byName.get(name)!.phases as Array<{ phase: string; durationMs: unknown; startOffsetMs: unknown }>).map((p) => {
        expectSpread(p.durationMs, `${name} ${p.phase}`);
        expectSpread(p.startOffsetMs, `${name} ${p.phase}`);
        return p.phase;
      });
    expect(phasesOf('lab.up-all-healthy')).toEqual(UP_PHASES);
    // Reset's bring-up uses the network its teardown kept: no network phase.
    expect(phasesOf('lab.reset')).toEqual(['teardown', ...UP_PHASES.filter((phase) => phase !== 'network')]);
    for (const name of ['lab.up-all-healthy', 'lab.reset']) {
      const parts = byName.get(name)!.cpuBreakdownMs as Record<string, unknown> | undefined;
      // Only where /proc and the engine's stats exist (this machine has both).
      expect(Object.keys(parts ?? {})).toEqual(['containers', 'seclabProcess', 'engineAndRest']);
    }
    const up = byName.get('lab.up-all-healthy')!.median as number;
    const compose = byName.get('compose.up-all-healthy')!.median as number;
    expect(byName.get('lab.up-vs-compose')).toMatchObject({ ratio: Number((up / compose).toFixed(2)), target: 0.5 });
    // The bench's labs went with down --purge.
    const left = await defaultEnvironment(process.env).engine().labObjects();
    const benchLabs = [...left.containers, ...left.volumes, ...left.networks].map((o) => o.labels['seclab.lab']).filter((lab) => lab === `bl${labPrefix}0` || lab === `bx${labPrefix}0`);
    expect(benchLabs).toEqual([]);
  }, 600_000);
});
