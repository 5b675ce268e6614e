import { describe, expect, it } from 'vitest';
import { posix } from 'node:path';
import { bundlePrograms } from './build-emulator-images.ts';
import { elasticAgentImage } from '../../../emulator/elastic-agent/image.ts';
import type { TarFile } from '../docker/tar-archive.ts';

const ES_CLIENT = 'node_modules/@elastic/elasticsearch/';

/**
 * Every file a program can load, by static `import` or `import()`, except through the chunk of Fleet
 * Server's entry module (fleet-server/run-fleet-server.ts, which only Fleet Server's container imports).
 */
function loadedOutsideFleetServer(files: TarFile[], programPath: string): string[] {
  const byName = new Map(files.map((file) => [file.name.replace(/^root/, ''), file.content!.toString('utf8')]));
  const launcher = byName.get(programPath)!;
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const match of byName.get(path)!.matchAll(/(?:from\s*|import\s*\(?)"(\.[^"]+\.mjs)"/g)) {
      if (!posix.basename(match[1]!).startsWith('run-fleet-server-')) visit(posix.join(posix.dirname(path), match[1]!));
    }
  };
  visit(/import\("([^"]+)"\)/.exec(launcher)![1]!);
  return [...seen];
}

describe("the emulated agent's programs", () => {
  it('load the Elasticsearch client only where Fleet Server runs: not in `elastic-agent status` (the healthcheck) nor in an agent container', async () => {
    const files = await bundlePrograms(elasticAgentImage.programs);
    const text = (path: string) => files.find((file) => file.name === `root${path}`)!.content!.toString('utf8');
    for (const program of ['/usr/share/elastic-agent/elastic-agent', '/usr/local/bin/docker-entrypoint']) {
      const loaded = loadedOutsideFleetServer(files, program);
      expect(loaded.some((path) => posix.basename(path).startsWith('status-command-'))).toBe(true);
      expect(loaded.filter((path) => text(path).includes(ES_CLIENT))).toEqual([]);
    }
    // Still in the image, for Fleet Server: in the chunk its container imports.
    expect(files.some((file) => posix.basename(file.name).startsWith('run-fleet-server-') && file.content!.toString('utf8').includes(ES_CLIENT))).toBe(true);
  });
});
