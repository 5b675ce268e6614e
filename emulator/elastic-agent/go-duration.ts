/** Go `time.ParseDuration` for the values the container env takes (`10m`, `30s`, `1h30m`, `500ms`). */
const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDurationMs(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  let total = 0;
  let matched = '';
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNITS[m[2] as string] ?? 0);
    matched += m[0];
  }
  return matched === trimmed && matched !== '' ? total : fallbackMs;
}
