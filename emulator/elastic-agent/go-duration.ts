/**
 * Go `time.ParseDuration`: a signed sequence of decimal numbers with units (`10m`, `1h30m`, `-1s`,
 * `500ms`); a bare number is refused ("missing unit") except `0`. Returns milliseconds, or undefined
 * for text Go refuses, so callers apply the fallback the agent applies (setup_config.go envTimeout).
 */
const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text) as RegExpExecArray;
  const [, sign, rest] = match;
  if (rest === '0') return 0;
  if (!rest) return undefined;
  let total = 0;
  let consumed = '';
  for (const m of rest.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNITS[m[2] as string] ?? 0);
    consumed += m[0];
  }
  if (consumed !== rest) return undefined;
  return sign === '-' ? -total : total;
}

/** envTimeout semantics: unset or unparsable → the fallback. */
export function parseGoDurationMs(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  return parseGoDuration(text) ?? fallbackMs;
}

/** Go's `time.Duration.String()` for whole milliseconds: `2m0s`, `1h30m0s`, `3s`, `1.5s`, `500ms`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${ms}ms`;
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${rest / 1000}s`;
  if (hours) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
