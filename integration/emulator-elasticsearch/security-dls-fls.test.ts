import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/**
 * Document- and field-level security at read time (DocumentSubsetReader, FieldSubsetReader, FieldPermissions):
 * role queries restrict the documents, field_security the _source, in search, count, get and mget.
 */
let lab: SecurityApiNode;

const PEOPLE = [
  { id: '1', dept: 'sales', name: 'Ann', salary: 10, address: { city: 'Oslo', street: 'Main 1' } },
  { id: '2', dept: 'sales', name: 'Bob', salary: 20, address: { city: 'Rome', street: 'Via 2' } },
  { id: '3', dept: 'hr', name: 'Cid', salary: 30, address: { city: 'Oslo', street: 'Side 3' } },
  { id: '4', dept: 'it', name: 'Dee', salary: 40, address: { city: 'Nice', street: 'Quai 4' } },
];

beforeAll(async () => {
  lab = await startSecurityApiNode('security-dls-fls');
  const es = lab.client();
  await es.indices.create({ index: 'people', settings: { number_of_replicas: 0 } });
  for (const { id, ...document } of PEOPLE) await es.index({ index: 'people', id, document, refresh: true });
  await es.security.putRole({ name: 'sales_only', indices: [{ names: ['people'], privileges: ['read'], query: { term: { dept: 'sales' } } }] });
  // A string query, as the reference also allows.
  await es.security.putRole({ name: 'hr_only', indices: [{ names: ['peo*'], privileges: ['read'], query: '{"term": {"dept": "hr"}}' }] });
  await es.security.putRole({ name: 'no_salary', indices: [{ names: ['people'], privileges: ['read'], field_security: { grant: ['*'], except: ['salary', 'address.street'] } }] });
  await es.security.putRole({ name: 'names_only', indices: [{ names: ['people'], privileges: ['read'], field_security: { grant: ['name', 'dept'] } }] });
  await es.security.putRole({ name: 'cities_only', indices: [{ names: ['people'], privileges: ['read'], field_security: { grant: ['address.c*'] } }] });
  await es.security.putRole({ name: 'own_name', indices: [{ names: ['people'], privileges: ['read'], query: { template: { source: { term: { name: '{{_user.username}}' } } } } }] });
  const users: Array<[string, string[]]> = [
    ['dls_user', ['sales_only']],
    ['union_user', ['sales_only', 'hr_only']],
    ['fls_user', ['no_salary']],
    ['grant_user', ['names_only']],
    ['fls_union_user', ['names_only', 'cities_only']],
    ['mixed_user', ['sales_only', 'names_only']],
    ['Dee', ['own_name']],
  ];
  for (const [username, roles] of users) await es.security.putUser({ username, password: `${username}-password`, roles });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

const as = (username: string) => lab.client(username, `${username}-password`);
const ids = (hits: Array<{ _id?: string }>) => hits.map((hit) => hit._id);

describe('document-level security', () => {
  it('a role query restricts search, count, get and mget to the matching documents', async () => {
    const es = as('dls_user');
    const all = await es.search({ index: 'people', sort: ['name.keyword'] });
    expect([all.hits.total, ids(all.hits.hits)]).toEqual([{ value: 2, relation: 'eq' }, ['1', '2']]);
    const query = await es.search({ index: 'people', query: { term: { 'address.city': 'Oslo' } } });
    expect(ids(query.hits.hits)).toEqual(['1']);
    expect((await es.count({ index: 'people' })).count).toBe(2);
    expect((await es.get({ index: 'people', id: '1' }))._source).toEqual({ dept: 'sales', name: 'Ann', salary: 10, address: { city: 'Oslo', street: 'Main 1' } });
    const hidden = await es.get({ index: 'people', id: '3' }, { ignore: [404], meta: true });
    expect([hidden.statusCode, hidden.body]).toEqual([404, { _index: 'people', _id: '3', found: false }]);
    const mget = await es.mget({ index: 'people', ids: ['2', '3'] });
    expect(mget.docs).toEqual([
      { _index: 'people', _id: '2', _version: 1, _seq_no: expect.any(Number), _primary_term: 1, found: true, _source: sourceOf('2') },
      { _index: 'people', _id: '3', found: false },
    ]);
  });

  it('two roles granting read on the index: the user sees the union of their documents', async () => {
    const es = as('union_user');
    expect(ids((await es.search({ index: 'people', sort: ['name.keyword'] })).hits.hits)).toEqual(['1', '2', '3']);
    expect((await es.count({ index: 'people' })).count).toBe(3);
    expect((await es.mget({ index: 'people', ids: ['3', '4'] })).docs.map((doc) => ('found' in doc ? doc.found : doc.error.type))).toEqual([true, false]);
  });

  it('a template query gets the user: {{_user.username}}', async () => {
    const es = as('Dee');
    expect(ids((await es.search({ index: 'people' })).hits.hits)).toEqual(['4']);
  });

  it('the superuser sees every document and every field', async () => {
    const es = lab.client();
    const all = await es.search({ index: 'people', sort: ['name.keyword'] });
    expect(all.hits.hits.map((hit) => hit._source)).toEqual(PEOPLE.map(({ id }) => sourceOf(id)));
    expect((await es.count({ index: 'people' })).count).toBe(4);
  });
});

describe('field-level security', () => {
  it('except removes fields, nested paths included, from search hits, get, _source and mget', async () => {
    const es = as('fls_user');
    const expected = { dept: 'sales', name: 'Ann', address: { city: 'Oslo' } };
    const hits = await es.search({ index: 'people', query: { ids: { values: ['1'] } } });
    expect(hits.hits.hits[0]!._source).toEqual(expected);
    expect((await es.get({ index: 'people', id: '1' }))._source).toEqual(expected);
    expect(await es.getSource({ index: 'people', id: '1' })).toEqual(expected);
    expect((await es.mget({ docs: [{ _index: 'people', _id: '1' }] })).docs[0]).toMatchObject({ found: true, _source: expected });
  });

  it('a query on a hidden field matches nothing, as if the field did not exist', async () => {
    const es = as('fls_user');
    expect((await es.count({ index: 'people', query: { range: { salary: { gte: 0 } } } })).count).toBe(0);
    expect((await es.count({ index: 'people', query: { exists: { field: 'address.street' } } })).count).toBe(0);
    expect((await es.count({ index: 'people', query: { term: { 'address.city': 'Oslo' } } })).count).toBe(2);
  });

  it('grant keeps only the listed fields; two roles union their fields (wildcards on nested paths)', async () => {
    expect((await as('grant_user').get({ index: 'people', id: '2' }))._source).toEqual({ dept: 'sales', name: 'Bob' });
    expect((await as('fls_union_user').get({ index: 'people', id: '2' }))._source).toEqual({ dept: 'sales', name: 'Bob', address: { city: 'Rome' } });
  });

  it('a role without field_security lifts FLS, a role without query lifts DLS, on the same index', async () => {
    const es = as('mixed_user');
    const hits = await es.search({ index: 'people', sort: ['name.keyword'] });
    expect(ids(hits.hits.hits)).toEqual(['1', '2', '3', '4']);
    expect(hits.hits.hits[0]!._source).toEqual(sourceOf('1'));
  });
});

function sourceOf(id: string): Record<string, unknown> {
  const { id: _, ...source } = PEOPLE.find((person) => person.id === id)!;
  return source;
}
