import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

let lab: SecurityApiNode;

beforeAll(async () => {
  lab = await startSecurityApiNode('documents-aliases');
  const es = lab.client();
  await es.indices.create({ index: 'logs-a', settings: { number_of_replicas: 0 } });
  await es.indices.create({ index: 'logs-b', settings: { number_of_replicas: 0 } });
  await es.index({ index: 'logs-a', id: '1', document: { msg: 'one' }, refresh: true });
  await es.index({ index: 'logs-b', id: '2', document: { msg: 'two' }, refresh: true });
  await es.index({ index: 'secret', id: '9', document: { msg: 'hidden' }, refresh: true });
  await es.security.putRole({ name: 'alias_reader', indices: [{ names: ['logs'], privileges: ['read', 'view_index_metadata'] }] });
  await es.security.putRole({ name: 'index_reader', indices: [{ names: ['logs-a', 'logs-b'], privileges: ['read'] }] });
  await es.security.putUser({ username: 'via_alias', password: 'via-alias-password', roles: ['alias_reader'] });
  await es.security.putUser({ username: 'via_index', password: 'via-index-password', roles: ['index_reader'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('aliases through the official client', () => {
  it('putAlias, updateAliases with a write index, getAlias and deleteAlias', async () => {
    const es = lab.client();
    expect(await es.indices.putAlias({ index: 'logs-a', name: 'logs' })).toEqual({ acknowledged: true });
    expect(await es.indices.updateAliases({ actions: [{ add: { index: 'logs-b', alias: 'logs', is_write_index: true } }] })).toEqual({ acknowledged: true, errors: false });
    expect(await es.indices.getAlias({ name: 'logs' })).toEqual({ 'logs-a': { aliases: { logs: {} } }, 'logs-b': { aliases: { logs: { is_write_index: true } } } });
    const twoWriters = await failure(es.indices.updateAliases({ actions: [{ add: { index: 'logs-a', alias: 'logs', is_write_index: true } }] }));
    expect([twoWriters.status, twoWriters.type, twoWriters.reason]).toEqual([400, 'illegal_state_exception', 'alias [logs] has more than one write index [logs-a,logs-b]']);
    const sameName = await failure(es.indices.putAlias({ index: 'logs-a', name: 'secret' }));
    expect([sameName.type, sameName.reason]).toEqual(['invalid_alias_name_exception', 'Invalid alias name [secret]: an index or data stream exists with the same name as the alias']);
    await es.indices.putAlias({ index: 'logs-a', name: 'tmp' });
    expect(await es.indices.deleteAlias({ index: 'logs-a', name: 'tmp' })).toEqual({ acknowledged: true });
    const missing = await failure(es.indices.deleteAlias({ index: 'logs-a', name: 'tmp' }));
    expect([missing.status, missing.type, missing.reason]).toEqual([404, 'aliases_not_found_exception', 'aliases [tmp] missing']);
  });

  it('a role on the alias name reads through the alias; a role on the indices alone does not, and cannot manage aliases', async () => {
    const viaAlias = lab.client('via_alias', 'via-alias-password');
    const hits = await viaAlias.search({ index: 'logs', sort: ['msg.keyword'] });
    expect(hits.hits.hits.map((hit) => hit._id)).toEqual(['1', '2']);
    const viaIndex = lab.client('via_index', 'via-index-password');
    const denied = await failure(viaIndex.search({ index: 'logs' }));
    expect([denied.status, denied.reason]).toEqual([
      403,
      'action [indices:data/read/search] is unauthorized for user [via_index] with effective roles [index_reader] on indices [logs], this action is granted by the index privileges [read,all]',
    ]);
    const manage = await failure(viaIndex.indices.putAlias({ index: 'logs-a', name: 'mine' }));
    expect([manage.status, manage.reason]).toEqual([
      403,
      'action [indices:admin/aliases] is unauthorized for user [via_index] with effective roles [index_reader] on indices [logs-a], this action is granted by the index privileges [manage,all]',
    ]);
  });
});

describe('documents and indices through the official client', () => {
  it('mget in docs and ids forms; an unauthorized or missing index is an inline error', async () => {
    const es = lab.client();
    const docs = await es.mget({
      docs: [
        { _index: 'logs-a', _id: '1' },
        { _index: 'logs-a', _id: 'nope' },
        { _index: 'missing', _id: '1' },
      ],
    });
    expect(docs.docs[0]).toMatchObject({ _index: 'logs-a', _id: '1', found: true, _source: { msg: 'one' } });
    expect(docs.docs[1]).toEqual({ _index: 'logs-a', _id: 'nope', found: false });
    expect(docs.docs[2]).toMatchObject({ _index: 'missing', _id: '1', error: { type: 'index_not_found_exception', reason: 'no such index [missing]' } });
    const ids = await es.mget({ index: 'logs-b', ids: ['2'] });
    expect(ids.docs[0]).toMatchObject({ _index: 'logs-b', _id: '2', found: true });
    const limited = await lab.client('via_index', 'via-index-password').mget({
      docs: [
        { _index: 'logs-a', _id: '1' },
        { _index: 'secret', _id: '9' },
      ],
    });
    expect(limited.docs[0]).toMatchObject({ found: true });
    expect(limited.docs[1]).toMatchObject({
      _index: 'secret',
      _id: '9',
      error: {
        type: 'security_exception',
        reason: 'action [indices:data/read/mget[shard]] is unauthorized for user [via_index] with effective roles [index_reader] on indices [secret], this action is granted by the index privileges [read,all]',
      },
    });
  });

  it('search with rest_total_hits_as_int=true answers hits.total as a number', async () => {
    const es = lab.client();
    const answer = await es.search({ index: 'logs-a', rest_total_hits_as_int: true });
    expect(answer.hits.total).toBe(1);
  });

  it('cluster health with level=indices and level=shards, a closed index included; a closed index refuses searches', async () => {
    const es = lab.client();
    expect(await es.indices.close({ index: 'logs-b' })).toEqual({ acknowledged: true, shards_acknowledged: true, indices: { 'logs-b': { closed: true } } });
    const byIndex = await es.cluster.health({ level: 'indices' });
    expect(byIndex.indices!['logs-b']).toEqual({
      status: 'green',
      number_of_shards: 1,
      number_of_replicas: 0,
      active_primary_shards: 1,
      active_shards: 1,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: 0,
      unassigned_primary_shards: 0,
    });
    const byShard = await es.cluster.health({ level: 'shards' });
    expect(byShard.indices!['logs-a']!.shards!['0']).toEqual({ status: 'green', primary_active: true, active_shards: 1, relocating_shards: 0, initializing_shards: 0, unassigned_shards: 0, unassigned_primary_shards: 0 });
    const closed = await failure(es.search({ index: 'logs-b' }));
    expect([closed.status, closed.type, closed.reason]).toEqual([400, 'index_closed_exception', 'closed']);
    expect(await es.indices.open({ index: 'logs-b' })).toEqual({ acknowledged: true, shards_acknowledged: true });
  });

  it('an index named in Chinese (percent-encoded) is created, written and read; the connection stays up', async () => {
    const es = lab.client();
    expect(await es.indices.create({ index: '日志' })).toEqual({ acknowledged: true, shards_acknowledged: true, index: '日志' });
    const written = await es.index({ index: '日志', id: '1', document: { msg: '你好' } });
    expect(written.result).toBe('created');
    expect((await es.get({ index: '日志', id: '1' }))._source).toEqual({ msg: '你好' });
    const upper = await failure(es.indices.create({ index: 'Logs' }));
    expect([upper.type, upper.reason]).toEqual(['invalid_index_name_exception', 'Invalid index name [Logs], must be lowercase']);
  });

  it('ssl.certificates lists each certificate once, the CA file and the node certificate apart', async () => {
    const certificates = await lab.client().ssl.certificates();
    expect(certificates.map((certificate) => [certificate.path, certificate.has_private_key])).toEqual([
      ['certs/ca/ca.crt', false],
      ['certs/es01/es01.crt', true],
    ]);
  });
});
