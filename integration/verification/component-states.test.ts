/**
 * Issue #11, "evidence is never false", on one 3-node emulated lab (Elasticsearch only, trial
 * licence so IP filtering and audit are live): a node stopped, paused or removed moves exactly the
 * checks that probe it — `error` naming its Docker state, or a true `fail` (the cluster has one node
 * less, and says why) — and no evidence says what that node "accepted" or "speaks". Then the soak:
 * `seclab status` runs (20 in npm test, 200 with `npm run test:soak`; in-process: observeLab + verifyLab, as the command does) make no
 * probe container beyond the lab's two standing probes, and leave no growing set of open handles behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckId, CheckResult } from '../../common/checks.ts';
import { defaultEnvironment, type CoreEnvironment } from '../../main/core/environment.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { downLab } from '../../main/core/orchestrator/down-lab.ts';
import { observeLab } from '../../main/core/orchestrator/observe-lab.ts';
import { verifyLab } from '../../main/core/verification/verify-lab.ts';
import { uniqueLabName } from '../support/test-lab.ts';
import { createOptionsOf, replaceContainer } from './support/recreate-container.ts';
import { waitForContainer } from './support/lab-actions.ts';
import { describeResults, resultOf, statusesOf, waitForChecks, type Statuses } from './support/verify-helpers.ts';

const LAB = uniqueLabName('vs');
const noEmit = () => undefined;
const container = (component: string) => `seclab-${LAB}-${component}`;

let home: string;
let environment: CoreEnvironment;
let baseline: Statuses;

/** The checks that probe a node's ports from the lab network: without the node they cannot prove anything. */
const PROBE_THE_NODE: CheckId[] = ['transport.tls', 'transport.mutual-auth', 'http.tls', 'http.cert-valid', 'network.ip-filter'];
/** Checks that read a container's configuration and need it to exist (a stopped one still has it). */
const NEED_THE_CONTAINER: CheckId[] = ['network.loopback-only', 'secrets.keystore', 'runtime.non-root', 'runtime.limits'];
/** Words that describe what a node did on the wire: never said of a node that was not probed. */
const WIRE_CLAIMS = /accepted|speaks|does not speak|answered|refused|handshake/i;

function movedFrom(results: CheckResult[]): Set<CheckId> {
  return new Set(results.filter((r) => r.status !== baseline[r.id]).map((r) => r.id));
}

/** Every line of evidence that names the node, in every check: none may claim what it did on the wire. */
function expectNoWireClaimsAbout(node: string, results: CheckResult[]): void {
  for (const result of results) {
    for (const line of result.evidence) {
      if (line.includes(node)) expect(line, `${result.id} says something about ${node} on the wire`).not.toMatch(WIRE_CLAIMS);
    }
  }
}

/** The node's state is named in every moved check that probes it. */
function expectStateNamed(ids: CheckId[], results: CheckResult[], sentence: RegExp): void {
  for (const id of ids) {
    const result = resultOf(results, id);
    expect(result.status, `${id}:\n${describeResults(results)}`).toBe('error');
    expect(result.evidence.join('\n'), id).toMatch(sentence);
    expect(result.fix, id).toMatch(/Start es03/);
  }
}

/** Polled after each restore: a restarted node takes a moment to rejoin. */
async function expectBaselineAgain(): Promise<void> {
  const results = await waitForChecks(environment, LAB, Object.keys(baseline) as CheckId[], (r) => r.status === baseline[r.id], 180_000);
  expect(movedFrom(results)).toEqual(new Set());
}

/** Every probe container of the lab, as name → ID: the standing probes stay between runs, nothing else does. */
async function probeContainers(): Promise<Record<string, string>> {
  const listed = await environment.engine().docker.listContainers({ all: true, filters: { label: [`seclab.lab=${LAB}`, 'seclab.role=probe'] } });
  return Object.fromEntries(listed.map((c) => [(c.Names[0] ?? c.Id).replace(/^\//, ''), c.Id]));
}

const STANDING_PROBES = [`seclab-${LAB}-probe-es01`, `seclab-${LAB}-probe-outsider`];
const startedAt = async (name: string) => (await environment.engine().inspectContainer(name))!.State.StartedAt;

describe('a node that is not running, on a 3-node lab', { timeout: 420_000 }, () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'seclab-states-'));
    environment = defaultEnvironment({ ...process.env, SECLAB_HOME: home });
    await upLab({ environment, emit: noEmit }, { name: LAB, images: 'emulated', elasticsearch: { nodes: 3 }, kibana: false, fleetServer: false, agents: 0 });
    const results = await verifyLab(environment, LAB);
    expect(
      results.filter((r) => r.status === 'fail' || r.status === 'error'),
      describeResults(results),
    ).toEqual([]);
    baseline = statusesOf(results);
  });

  afterAll(async () => {
    if (environment) await downLab({ environment, emit: noEmit }, LAB, { purge: true }).catch((error) => console.error(`downLab ${LAB}: ${(error as Error).message}`));
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('es03 stopped: only the checks that probe es03, and the cluster count, move; each names es03 as exited', async () => {
    await environment.engine().stopContainer(container('es03'), 10);
    try {
      // The cluster notices a node that left within moments; the probes see the container's state at once.
      const results = await waitForChecks(environment, LAB, ['transport.cluster-formed'], (r) => r.status === 'fail', 60_000).then(() => verifyLab(environment, LAB));
      const table = describeResults(results);
      expect(movedFrom(results), table).toEqual(new Set([...PROBE_THE_NODE, 'transport.cluster-formed']));
      expectStateNamed(PROBE_THE_NODE, results, /es03 is exited \(stopped\): cannot probe/);
      const formed = resultOf(results, 'transport.cluster-formed');
      expect(formed.status).toBe('fail');
      expect(formed.evidence[0]).toMatch(/^es03 did not join: 2 of 3 nodes; es03 is exited \(stopped\)/);
      expect(formed.fix).toMatch(/Start es03/);
      // The running nodes are still probed and shown.
      for (const id of ['transport.mutual-auth', 'http.tls'] as CheckId[]) expect(resultOf(results, id).evidence.join('\n'), id).toMatch(/es02 .*:9\d00/);
      expectNoWireClaimsAbout('es03', results);
    } finally {
      await environment.engine().startContainer(container('es03'));
    }
    await expectBaselineAgain();
  });

  it('es03 paused: the same checks name it as paused; no probe waits on its frozen ports', async () => {
    await environment.engine().docker.getContainer(container('es03')).pause();
    try {
      const results = await verifyLab(environment, LAB);
      const table = describeResults(results);
      expectStateNamed(PROBE_THE_NODE, results, /es03 is paused: cannot probe/);
      // A frozen node keeps its TCP connections open: whether the cluster has dropped it yet is the
      // cluster's own answer. Either way cluster-formed says why es03 is not there.
      const formed = resultOf(results, 'transport.cluster-formed');
      console.log(`es03 paused: transport.cluster-formed ${formed.status}: ${formed.evidence[0]}`);
      if (formed.status === 'fail') expect(formed.evidence[0], table).toMatch(/es03 did not join: 2 of 3 nodes; es03 is paused/);
      const moved = new Set([...PROBE_THE_NODE, ...(formed.status === 'fail' ? ['transport.cluster-formed' as CheckId] : [])]);
      expect(movedFrom(results), table).toEqual(moved);
      expectNoWireClaimsAbout('es03', results);
    } finally {
      await environment.engine().docker.getContainer(container('es03')).unpause();
    }
    await expectBaselineAgain();
  });

  it('es03 removed: the node probes and the checks that read its configuration name it as missing', async () => {
    const engine = environment.engine();
    const original = createOptionsOf((await engine.inspectContainer(container('es03')))!);
    await engine.stopContainer(container('es03'), 10);
    await engine.removeContainer(container('es03'));
    try {
      const results = await waitForChecks(environment, LAB, ['transport.cluster-formed'], (r) => r.status === 'fail', 60_000).then(() => verifyLab(environment, LAB));
      const table = describeResults(results);
      expect(movedFrom(results), table).toEqual(new Set([...PROBE_THE_NODE, ...NEED_THE_CONTAINER, 'transport.cluster-formed']));
      expectStateNamed(PROBE_THE_NODE, results, /es03 is missing \(no container\): cannot probe/);
      for (const id of NEED_THE_CONTAINER) {
        expect(resultOf(results, id).status, `${id}:\n${table}`).toBe('error');
        expect(resultOf(results, id).evidence.join('\n'), id).toMatch(/es03 does not exist/);
      }
      expect(resultOf(results, 'transport.cluster-formed').evidence[0]).toMatch(/^es03 did not join: 2 of 3 nodes; es03 is missing \(no container\)/);
      expectNoWireClaimsAbout('es03', results);
    } finally {
      await replaceContainer(engine, original, LAB);
      await waitForContainer(engine, container('es03'), true, 60_000);
    }
    await expectBaselineAgain();
  });

  it('es01 restarted: its standing probe, which shares its network stack, starts again with it; the checks are as before', async () => {
    const probe = STANDING_PROBES[0];
    const probeStarted = await startedAt(probe);
    await environment.engine().docker.getContainer(container('es01')).restart({ t: 10 });
    await expectBaselineAgain();
    // Without starting again it would sit in es01's old, torn-down stack: every node probe would fail to connect.
    expect(Date.parse(await startedAt(probe))).toBeGreaterThan(Date.parse(probeStarted));
    expect(Date.parse(await startedAt(probe))).toBeGreaterThanOrEqual(Date.parse(await startedAt(container('es01'))));
  });

  // npm test runs a short soak (20 runs, about a minute); `npm run test:soak` runs the 200.
  const RUNS = Number(process.env.SECLAB_SOAK_RUNS ?? 20);
  it(`soak: ${RUNS} status runs in a row run their probes in the same two standing probes, and leave no growing set of open handles`, { timeout: 1_800_000 }, async () => {
    const statusRun = async () => {
      const observed = await observeLab(environment.engine(), home, LAB);
      return { ...observed, checks: await verifyLab(environment, LAB) };
    };
    // One run first, so lazily made things (the probe image, the bundled probe, pooled sockets) exist before counting.
    await statusRun();
    const probesBefore = await probeContainers();
    const handlesBefore = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const resourcesBefore = process.getActiveResourcesInfo().length;
    const started = Date.now();
    const durations: number[] = [];
    let unexpected = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = Date.now();
      const status = await statusRun();
      durations.push(Date.now() - t);
      if (status.checks.some((c) => c.status !== baseline[c.id])) unexpected++;
    }
    const elapsed = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const probesAfter = await probeContainers();
    const handlesAfter = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const resourcesAfter = process.getActiveResourcesInfo().length;
    durations.sort((a, b) => a - b);
    process.stdout.write(
      `soak: ${RUNS} status runs in ${(elapsed / 1000).toFixed(0)} s (median ${durations[Math.floor(RUNS / 2)]} ms, p95 ${durations[Math.floor(RUNS * 0.95)]} ms, max ${durations[RUNS - 1]} ms); ` +
        `${unexpected} runs off the baseline; probe containers ${Object.keys(probesBefore).length} → ${Object.keys(probesAfter).length}; ` +
        `active handles ${handlesBefore} → ${handlesAfter}, active resources ${resourcesBefore} → ${resourcesAfter}\n`,
    );
    // The same two standing probes, never made again: each run exec'd its probes in them.
    expect(Object.keys(probesBefore).sort()).toEqual(STANDING_PROBES);
    expect(probesAfter).toEqual(probesBefore);
    expect(unexpected).toBe(0);
    // Small noise allowed (a pooled keep-alive socket, a timer in flight); a leak would grow with the runs.
    expect(handlesAfter - handlesBefore).toBeLessThanOrEqual(5);
    expect(resourcesAfter - resourcesBefore).toBeLessThanOrEqual(5);
  });
});
