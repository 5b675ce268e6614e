import type { EmulatorImageManifest } from '../shared/image-manifest';

const HOME = '/usr/share/elastic-agent';

/**
 * The emulated counterpart of docker.elastic.co/elastic-agent/elastic-agent: user elastic-agent (uid 1000,
 * gid 0), home /usr/share/elastic-agent, state in ./state, ENTRYPOINT docker-entrypoint → `elastic-agent
 * container`, port 8220 for Fleet Server mode.
 */
export const elasticAgentImage: EmulatorImageManifest = {
  product: 'elastic-agent',
  programs: {
    [`${HOME}/elastic-agent`]: 'emulator/elastic-agent/main.ts',
    '/usr/local/bin/elastic-agent': 'emulator/elastic-agent/main.ts',
    '/usr/local/bin/docker-entrypoint': 'emulator/elastic-agent/docker-entrypoint.ts',
  },
  files: [],
  directories: [
    { path: HOME, mode: 0o775, uid: 1000, gid: 0 },
    { path: `${HOME}/state`, mode: 0o770, uid: 1000, gid: 0 },
    { path: `${HOME}/data`, mode: 0o770, uid: 1000, gid: 0 },
    { path: `${HOME}/data/logs`, mode: 0o770, uid: 1000, gid: 0 },
  ],
  user: { name: 'elastic-agent', uid: 1000, gid: 0, home: HOME },
  workdir: HOME,
  entrypoint: ['/usr/local/bin/docker-entrypoint'],
  cmd: [],
  env: {
    ELASTIC_CONTAINER: 'true',
    STATE_PATH: `${HOME}/state`,
    PATH: `${HOME}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  },
  exposedPorts: [8220],
  labels: {
    'seclab.emulated': 'true',
    'org.opencontainers.image.title': 'Elastic Agent (seclab emulated)',
    'org.opencontainers.image.vendor': 'seclab',
  },
};
