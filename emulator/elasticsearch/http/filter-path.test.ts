import { describe, expect, it } from 'vitest';
import { applyFilterPath } from './filter-path.js';

describe('filter_path', () => {
  const nodes = { _nodes: { total: 1 }, nodes: { abc: { name: 'es01', version: '9.1.0', http: { publish_address: '1.2.3.4:9200' } } } };

  it('keeps dotted paths with wildcards', () => {
    expect(applyFilterPath(nodes, 'nodes.*.version,nodes.*.http.publish_address')).toEqual({ nodes: { abc: { version: '9.1.0', http: { publish_address: '1.2.3.4:9200' } } } });
  });

  it('supports ** and exclusions', () => {
    expect(applyFilterPath(nodes, '**.name')).toEqual({ nodes: { abc: { name: 'es01' } } });
    expect(applyFilterPath(nodes, '-nodes')).toEqual({ _nodes: { total: 1 } });
  });

  it('filters arrays element by element and returns {} when nothing matches', () => {
    expect(applyFilterPath({ hits: { hits: [{ _id: '1', _source: {} }, { _id: '2' }] } }, 'hits.hits._id')).toEqual({ hits: { hits: [{ _id: '1' }, { _id: '2' }] } });
    expect(applyFilterPath({ a: 1 }, 'b')).toEqual({});
  });
});
