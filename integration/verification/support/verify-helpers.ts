import { expect } from 'vitest';
import { CHECK_IDS, type CheckId, type CheckResult, type CheckStatus } from '../../../common/checks.ts';
import type { CoreEnvironment } from '../../../main/core/environment.ts';
import { verifyLab } from '../../../main/core/verification/verify-lab.ts';

export type Statuses = Partial<Record<CheckId, CheckStatus>>;

export function statusesOf(results: CheckResult[]): Statuses {
  return Object.fromEntries(results.map((r) => [r.id, r.status]));
}

export function resultOf(results: CheckResult[], id: CheckId): CheckResult {
  const result = results.find((r) => r.id === id);
  if (!result) throw new Error(`no result for ${id}`);
  return result;
}

/** One line per check, for assertion messages. */
export function describeResults(results: CheckResult[]): string {
  return results.map((r) => `${r.status.padEnd(5)} ${r.id}: ${r.evidence.slice(0, 2).join(' | ').slice(0, 300)}`).join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a subset of the checks until `accept` holds for every result (e.g. all pass after a
 * restore, or the target fails once a restarted component is up), within `timeoutMs`.
 */
export async function waitForChecks(environment: CoreEnvironment, lab: string, ids: CheckId[], accept: (result: CheckResult) => boolean, timeoutMs: number, intervalMs = 2000): Promise<CheckResult[]> {
  const deadline = Date.now() + timeoutMs;
  let last: CheckResult[] = [];
  for (;;) {
    last = await verifyLab(environment, lab, ids);
    if (last.every(accept)) return last;
    if (Date.now() > deadline) throw new Error(`checks did not reach the expected state within ${timeoutMs / 1000}s:\n${describeResults(last)}`);
    await sleep(intervalMs);
  }
}

export const passes = (r: CheckResult) => r.status === 'pass' || r.status === 'info';

export interface BreakExpectation {
  /** The check of the broken layer: must be `fail`, with every listed fragment in its evidence. */
  target: CheckId;
  evidence: Array<string | RegExp>;
  /** Other checks that depend on the broken layer, with the statuses they may show (the reason is in the test's comment). */
  dependents?: Partial<Record<CheckId, CheckStatus[]>>;
}

/**
 * The target check fails with evidence naming the cause; the declared dependents show one of their
 * allowed statuses; every other check (the control set) keeps its status from the fresh lab.
 */
export function expectBreak(results: CheckResult[], baseline: Statuses, expectation: BreakExpectation): void {
  const table = describeResults(results);
  const moved = results.filter((r) => r.status !== baseline[r.id]).map((r) => `${r.id} ${r.status}: ${r.evidence[0]?.slice(0, 160)}`);
  console.log(`break of ${expectation.target}:\n  ${moved.join('\n  ')}`);
  const target = resultOf(results, expectation.target);
  expect(target.status, `${expectation.target} should fail:\n${table}`).toBe('fail');
  const evidence = target.evidence.join('\n');
  for (const fragment of expectation.evidence) {
    if (typeof fragment === 'string') expect(evidence, `${expectation.target}'s evidence should name ${fragment}`).toContain(fragment);
    else expect(evidence, `${expectation.target}'s evidence should match ${fragment}`).toMatch(fragment);
  }
  expect(target.fix, `${expectation.target} should say how to fix it`).not.toBe('');
  for (const id of CHECK_IDS) {
    if (id === expectation.target) continue;
    const result = resultOf(results, id);
    const allowed = expectation.dependents?.[id];
    if (allowed) expect(allowed, `${id} (depends on the break) is ${result.status}: ${result.evidence.slice(0, 2).join(' | ')}`).toContain(result.status);
    else expect(result.status, `${id} does not depend on the break and should stay ${baseline[id]}:\n${table}`).toBe(baseline[id]);
  }
}
