import type { EmulatorImageManifest } from '../shared/image-manifest.js';

const HOME = '/usr/share/elasticsearch';
const owner = { uid: 1000, gid: 0 };

/** The emulated counterpart of docker.elastic.co/elasticsearch/elasticsearch (layout, user, ports, entrypoint). */
export const elasticsearchImage: EmulatorImageManifest = {
  product: 'elasticsearch',
  programs: {
    [`${HOME}/bin/elasticsearch`]: 'emulator/elasticsearch/main.ts',
    [`${HOME}/bin/elasticsearch-keystore`]: 'emulator/elasticsearch/keystore-main.ts',
    [`${HOME}/bin/elasticsearch-service-tokens`]: 'emulator/elasticsearch/service-tokens-main.ts',
    [`${HOME}/bin/elasticsearch-certutil`]: 'emulator/elasticsearch/certutil-main.ts',
    '/usr/local/bin/docker-entrypoint.sh': 'emulator/elasticsearch/docker-entrypoint.ts',
  },
  files: [
    // The official image's config/elasticsearch.yml.
    { path: `${HOME}/config/elasticsearch.yml`, content: 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n', mode: 0o664, ...owner },
  ],
  directories: [
    { path: HOME, mode: 0o775, ...owner },
    { path: `${HOME}/bin`, mode: 0o755, ...owner },
    { path: `${HOME}/config`, mode: 0o775, ...owner },
    { path: `${HOME}/data`, mode: 0o775, ...owner },
    { path: `${HOME}/logs`, mode: 0o775, ...owner },
    { path: `${HOME}/plugins`, mode: 0o775, ...owner },
  ],
  user: { name: 'elasticsearch', uid: 1000, gid: 0, home: HOME },
  workdir: HOME,
  entrypoint: ['/usr/local/bin/docker-entrypoint.sh'],
  cmd: ['eswrapper'],
  env: {
    ELASTIC_CONTAINER: 'true',
    PATH: `${HOME}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  },
  exposedPorts: [9200, 9300],
  labels: {
    'org.opencontainers.image.title': 'Elasticsearch (seclab emulated)',
    'org.opencontainers.image.vendor': 'seclab',
    'org.label-schema.name': 'Elasticsearch',
    'seclab.emulated': 'true',
    'seclab.emulated.product': 'elasticsearch',
    'seclab.emulated.version': '9.1.0',
  },
};
