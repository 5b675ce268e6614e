import type { EmulatorImageManifest } from '../shared/image-manifest';

const HOME = '/usr/share/kibana';

/**
 * The emulated counterpart of docker.elastic.co/kibana/kibana: same paths, same user (kibana, uid 1000,
 * gid 0), same default kibana.yml and the same `kibana-docker` command that maps env vars to settings.
 */
export const kibanaImage: EmulatorImageManifest = {
  product: 'kibana',
  programs: {
    [`${HOME}/bin/kibana`]: 'emulator/kibana/main.ts',
    [`${HOME}/bin/kibana-keystore`]: 'emulator/kibana/keystore-cli.ts',
    '/usr/local/bin/kibana-docker': 'emulator/kibana/kibana-docker.ts',
  },
  files: [
    {
      path: `${HOME}/config/kibana.yml`,
      // The official image's generated default (docker_generator/templates/kibana_yml.template.ts).
      content:
        '#\n# ** THIS IS AN AUTO-GENERATED FILE **\n#\n\n# Default Kibana configuration for docker target\n' +
        'server.host: "0.0.0.0"\nserver.shutdownTimeout: "5s"\nelasticsearch.hosts: [ "http://elasticsearch:9200" ]\n' +
        'monitoring.ui.container.elasticsearch.enabled: true\n',
      mode: 0o660,
      uid: 1000,
      gid: 0,
    },
  ],
  directories: [
    { path: HOME, mode: 0o775, uid: 1000, gid: 0 },
    { path: `${HOME}/bin`, mode: 0o775, uid: 1000, gid: 0 },
    { path: `${HOME}/config`, mode: 0o775, uid: 1000, gid: 0 },
    { path: `${HOME}/data`, mode: 0o775, uid: 1000, gid: 0 },
    { path: `${HOME}/logs`, mode: 0o775, uid: 1000, gid: 0 },
    { path: `${HOME}/plugins`, mode: 0o775, uid: 1000, gid: 0 },
  ],
  user: { name: 'kibana', uid: 1000, gid: 0, home: HOME },
  workdir: HOME,
  entrypoint: [],
  cmd: ['/usr/local/bin/kibana-docker'],
  env: {
    ELASTIC_CONTAINER: 'true',
    PATH: `${HOME}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  },
  exposedPorts: [5601],
  labels: {
    'seclab.emulated': 'true',
    'org.opencontainers.image.title': 'Kibana (seclab emulated)',
    'org.opencontainers.image.vendor': 'seclab',
  },
};
