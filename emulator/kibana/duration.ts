/**
 * Kibana durations (@kbn/config-schema `schema.duration()`): a number is milliseconds, a string is
 * `<number><unit>` with units ms, s, m, h, d, w, M, Y (moment units).
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  Y: 365 * 86_400_000,
};

export function parseDurationMs(value: unknown, settingPath: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|Y)$/.exec(text);
  if (!match) {
    throw new Error(
      `[config validation of [${settingPath}]]: Failed to parse value as time value. Value must be a duration in milliseconds, or follow the format <count>[ms|s|m|h|d|w|M|Y] (e.g. '70ms', '5s', '3d', '1Y'), where the duration is a safe positive integer.`,
    );
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] ?? 1);
}
