import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in for the image's /usr/share/elastic-agent for host processes of the emulated agent: the
 * container copies its elastic-agent.yml into STATE_PATH on first start (container.go setPaths) and
 * refuses to start without it, as the real one does.
 */
export function createAgentHome(root: string): string {
  const home = join(root, 'elastic-agent-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'elastic-agent.yml'), 'outputs:\n  default:\n    type: elasticsearch\n', { mode: 0o644 });
  return home;
}
