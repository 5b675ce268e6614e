/**
 * Where a verification run's time goes: each check's own duration, slowest first, for a running lab
 * (BENCH_LAB in BENCH_HOME). `npx tsx bench/check-timings.ts` — a diagnostic, not a benchmark figure.
 */
import { defaultEnvironment } from '../main/core/environment.ts';
import { verifyLab } from '../main/core/verification/verify-lab.ts';

const lab = process.env.BENCH_LAB;
const home = process.env.BENCH_HOME;
if (!lab || !home) throw new Error('set BENCH_LAB to a running lab and BENCH_HOME to its SECLAB_HOME');
const environment = defaultEnvironment({ ...process.env, SECLAB_HOME: home });
const runs = Number(process.env.BENCH_RUNS ?? 3);
for (let i = 0; i < runs; i++) {
  const started = Date.now();
  const results = await verifyLab(environment, lab);
  const total = Date.now() - started;
  const slowest = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 8);
  process.stdout.write(`run ${i + 1}: ${total} ms; slowest: ${slowest.map((r) => `${r.id} ${r.durationMs}`).join(', ')}\n`);
}
await environment.close?.();
