/**
 * The Kibana release this emulator answers as (/api/status version.number). The image builder sets
 * SECLAB_EMULATED_VERSION to the image's version (seclab-emulator/kibana:<version>), as the emulated
 * Elasticsearch does; host processes default to 9.1.0.
 */
export const KIBANA_VERSION = process.env.SECLAB_EMULATED_VERSION?.trim() || '9.1.0';
export const KIBANA_BUILD_NUMBER = 87000;
export const KIBANA_BUILD_HASH = '0000000000000000000000000000000000000000';
