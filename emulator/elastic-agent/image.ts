import type { EmulatorImageManifest } from '../shared/image-manifest';

const HOME = '/usr/share/elastic-agent';
/** The versioned home the real image's binary lives in (data/elastic-agent-<short commit>). */
const VERSIONED_HOME = `${HOME}/data/elastic-agent-000000`;

/**
 * The emulated counterpart of docker.elastic.co/elastic-agent/elastic-agent, laid out as
 * elastic/elastic-agent dev-tools/packaging/templates/docker/Dockerfile.elastic-agent.tmpl (v9.4.0–v9.5.x)
 * builds it: user elastic-agent uid 1000 with its own group 1000 (`groupadd --gid 1000`, `useradd --uid
 * 1000 --gid 1000 --groups 0`), the home copied `--chown=elastic-agent:elastic-agent` and then
 * `chmod 0777`, every directory under data/ 0777, files 0644, `data/elastic-agent-<commit>/logs` created.
 * There is no state/ directory: a fresh named volume mounted at /usr/share/elastic-agent/state therefore
 * starts root:root 0755 (Docker has nothing to copy into it), and STATE_PATH is not set in the image
 * (container.go defaults it). ENTRYPOINT docker-entrypoint → `elastic-agent container`.
 */
export const elasticAgentImage: EmulatorImageManifest = {
  product: 'elastic-agent',
  programs: {
    // The real /usr/share/elastic-agent/elastic-agent is a symlink to the versioned binary; PATH has the home.
    [`${HOME}/elastic-agent`]: 'emulator/elastic-agent/main.ts',
    [`${VERSIONED_HOME}/elastic-agent`]: 'emulator/elastic-agent/main.ts',
    '/usr/local/bin/docker-entrypoint': 'emulator/elastic-agent/docker-entrypoint.ts',
  },
  files: [
    {
      path: `${HOME}/elastic-agent.yml`,
      // Trimmed elastic-agent.docker.yml: setPaths copies it into STATE_PATH on first start.
      content: [
        'outputs:',
        '  default:',
        '    type: elasticsearch',
        "    hosts: '${ELASTICSEARCH_HOSTS:http://elasticsearch:9200}'",
        "    username: '${ELASTICSEARCH_USERNAME:}'",
        "    password: '${ELASTICSEARCH_PASSWORD:}'",
        "    api_key: '${ELASTICSEARCH_API_KEY:}'",
        '    preset: balanced',
        '',
      ].join('\n'),
      mode: 0o644,
      uid: 1000,
      gid: 1000,
    },
  ],
  directories: [
    { path: HOME, mode: 0o777, uid: 1000, gid: 1000 },
    { path: `${HOME}/data`, mode: 0o777, uid: 1000, gid: 1000 },
    { path: VERSIONED_HOME, mode: 0o777, uid: 1000, gid: 1000 },
    { path: `${VERSIONED_HOME}/logs`, mode: 0o777, uid: 1000, gid: 1000 },
  ],
  user: { name: 'elastic-agent', uid: 1000, gid: 1000, home: HOME },
  workdir: HOME,
  entrypoint: ['/usr/local/bin/docker-entrypoint'],
  cmd: [],
  env: {
    BEAT_SETUID_AS: 'elastic-agent',
    ELASTIC_CONTAINER: 'true',
    PATH: `${HOME}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    GODEBUG: 'madvdontneed=1',
    LIBBEAT_MONITORING_CGROUPS_HIERARCHY_OVERRIDE: '/',
  },
  exposedPorts: [8220],
  labels: {
    'seclab.emulated': 'true',
    'org.opencontainers.image.title': 'Elastic Agent (seclab emulated)',
    'org.opencontainers.image.vendor': 'seclab',
  },
};
