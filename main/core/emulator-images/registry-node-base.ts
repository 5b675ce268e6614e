import { createHash } from 'node:crypto';

/**
 * The emulated images' base where this machine has no Linux to copy a Node and its libraries from
 * (macOS, Windows): the registry's Debian Node image, which has Node at /usr/local/bin/node as the
 * copied base does, bash, sh, grep, find, chmod, chown, sleep, cat, ls, mkdir and rm, but not curl
 * (the lab's healthchecks call it: main/core/planner/plan-lab.ts) or unzip (the Compose recipe's
 * setup service), which are added from Debian.
 */
export function registryBaseDockerfile(image: string): string {
  return [`FROM ${image}`, 'RUN apt-get update && apt-get install -y --no-install-recommends curl unzip && rm -rf /var/lib/apt/lists/*', ''].join('\n');
}

/** Named by its Dockerfile, so another Node image (or another recipe) is another base. */
export const registryBaseTag = (image: string) => `seclab-emulator/base:registry-${createHash('sha256').update(registryBaseDockerfile(image)).digest('hex').slice(0, 16)}`;
