/**
 * The Elastic Agent / Fleet Server release this emulator answers as. The image builder sets
 * SECLAB_EMULATED_VERSION to the image's version (seclab-emulator/elastic-agent:<version>), as the
 * emulated Elasticsearch and Kibana do; host processes default to 9.1.0.
 */
export const AGENT_VERSION = process.env.SECLAB_EMULATED_VERSION?.trim() || '9.1.0';
export const AGENT_COMMIT = '0000000000000000000000000000000000000000';
export const AGENT_BUILD_TIME = '2025-07-24T00:00:00Z';

/** Numeric comparison of two `major.minor.patch` versions (pre-release suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[.-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * First release whose `shouldFleetEnroll` compares a co-located Fleet Server's stored host with its
 * internal endpoint instead of FLEET_URL (elastic-agent PR #15987, backported as #16020 into v9.5.2;
 * v9.4.0–v9.4.5, v9.5.0 and v9.5.1 still compare with FLEET_URL).
 */
export const COLOCATED_REENROLL_FIX_VERSION = '9.5.2';

export function hasColocatedReenrollFix(version = AGENT_VERSION): boolean {
  return compareVersions(version, COLOCATED_REENROLL_FIX_VERSION) >= 0;
}
