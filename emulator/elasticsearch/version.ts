/**
 * The Elasticsearch version the emulator answers as (GET /, _nodes, _cat/nodes). The image builder sets
 * SECLAB_EMULATED_VERSION to the lab's version; host processes default to 9.1.0.
 */
const number = process.env.SECLAB_EMULATED_VERSION?.trim() || '9.1.0';

export const EMULATED_VERSION = {
  number,
  build_flavor: 'default',
  build_type: 'docker',
  build_hash: '00000000000000000000000000000000seclab00',
  build_date: '2025-07-09T22:10:13.578182715Z',
  build_snapshot: false,
  lucene_version: '10.2.2',
  minimum_wire_compatibility_version: '8.19.0',
  minimum_index_compatibility_version: '8.0.0',
};

export const TAGLINE = 'You Know, for Search (seclab emulated)';
