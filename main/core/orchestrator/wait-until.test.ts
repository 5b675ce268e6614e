import { describe, expect, it } from 'vitest';
import { SeclabError } from '../../../common/errors.ts';
import { waitUntil, type Observation } from './wait-until.ts';

/** A probe that answers from a script, and a sleep that only records how long it was asked to wait. */
function scripted(answers: boolean[]) {
  const pauses: number[] = [];
  let index = 0;
  const probe = async (): Promise<Observation<number>> => {
    const ready = answers[Math.min(index, answers.length - 1)];
    index += 1;
    return ready ? { ready: true, value: index } : { ready: false, detail: `miss ${index}` };
  };
  return { probe, pauses, sleep: async (ms: number) => void pauses.push(ms), probes: () => index };
}

describe('waitUntil', () => {
  it('ends at once with the error a fatal observation carries (the engine gone), not at the timeout', async () => {
    const gone = new SeclabError('DOCKER_UNREACHABLE', 'cannot reach the Docker engine');
    let probes = 0;
    const probe = async (): Promise<Observation<number>> => {
      probes += 1;
      return probes < 2 ? { ready: false, detail: 'starting' } : { ready: false, fatal: true, detail: gone.message, error: gone };
    };
    await expect(waitUntil(probe, { what: 'Kibana', timeoutMs: 120_000, intervalMs: 250, sleep: async () => undefined })).rejects.toBe(gone);
    expect(probes).toBe(2);
  });

  it('backs off from the first interval, doubling up to the steady one, while the component is not ready', async () => {
    const { probe, pauses, sleep } = scripted([false, false, false, false, false, false, true]);
    await expect(waitUntil(probe, { what: 'x', timeoutMs: 60_000, intervalMs: 500, firstIntervalMs: 25, sleep })).resolves.toBe(7);
    expect(pauses).toEqual([25, 50, 100, 200, 400, 500]);
  });

  it('confirms a consecutive streak at the full interval, as strictly as without backoff', async () => {
    const { probe, pauses, sleep } = scripted([false, true, false, true, true, true]);
    await waitUntil(probe, { what: 'x', timeoutMs: 60_000, intervalMs: 500, firstIntervalMs: 25, consecutive: 3, sleep });
    // miss, hit (streak 1), miss (streak lost), hit, hit, hit: the successes after a success wait 500 ms each.
    expect(pauses).toEqual([25, 500, 50, 500, 500]);
  });

  it('spaces a streak by its own interval when given one, however often it polls before', async () => {
    const { probe, pauses, sleep } = scripted([false, false, false, false, false, false, true, false, true, true, true]);
    await waitUntil(probe, { what: 'x', timeoutMs: 60_000, intervalMs: 250, firstIntervalMs: 25, streakIntervalMs: 500, consecutive: 3, sleep });
    // Misses back off 25 → 250; a hit waits 500 for the next; a lost streak goes back to the poll's 250.
    expect(pauses).toEqual([25, 50, 100, 200, 250, 250, 500, 250, 500, 500]);
  });

  it('keeps the fixed interval when no first interval is given', async () => {
    const { probe, pauses, sleep } = scripted([false, false, true]);
    await waitUntil(probe, { what: 'x', timeoutMs: 60_000, intervalMs: 300, sleep });
    expect(pauses).toEqual([300, 300]);
  });

  it('fails at once on a fatal observation, with what it saw', async () => {
    const probe = async (): Promise<Observation<number>> => ({ ready: false, detail: 'es01 exited with code 78', fatal: true });
    await expect(waitUntil(probe, { what: 'Elasticsearch cluster', timeoutMs: 60_000, firstIntervalMs: 25, sleep: async () => undefined })).rejects.toThrow('Elasticsearch cluster: es01 exited with code 78');
  });
});
