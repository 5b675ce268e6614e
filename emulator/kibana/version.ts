/** The Kibana release this emulator answers as (matches the emulated Elasticsearch 9.1 line). */
export const KIBANA_VERSION = '9.1.0';
export const KIBANA_BUILD_NUMBER = 87000;
export const KIBANA_BUILD_HASH = '0000000000000000000000000000000000000000';
