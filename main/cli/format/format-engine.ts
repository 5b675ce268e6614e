import type { DockerEngineInfo } from '../../../common/docker-engine-info.ts';

/**
 * The engine `seclab doctor` used and how it was found, then where else it looked (the platform's
 * sockets, when no flag, DOCKER_HOST or Docker context named one), one line each.
 */
export function formatEngine(info: DockerEngineInfo): string {
  const lines = [`Docker engine: ${info.address} (${info.how})`];
  const others = info.candidates.length > 1 || info.candidates.some((c) => !c.found);
  if (others) {
    lines.push('  looked at, in order:');
    for (const candidate of info.candidates) {
      const mark = candidate.address === info.address ? '→' : candidate.found ? '·' : '-';
      lines.push(`    ${mark} ${candidate.address}${candidate.why ? `  ${candidate.why}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Where the lab images' and probes' Linux Node comes from, as `seclab doctor` shows it. */
export function formatLinuxNode(report: { source: string } | { problem: string }): string {
  return 'source' in report ? `Lab images' Node: ${report.source}\n` : `Lab images' Node: none usable: ${report.problem}\n`;
}
