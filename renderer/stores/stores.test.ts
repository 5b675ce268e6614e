import { describe, expect, it } from 'vitest';
import { LabApiError } from '../api/api-error.ts';
import { createMemoryApi } from '../testing/memory-api.ts';
import { createAppStores } from './app-stores.ts';
import { applyLabEvent, createBringUpStore } from './bring-up-store.ts';
import { DEFAULT_START_OPTIONS, problemsOf } from './start-store.ts';

describe('start options', () => {
  it('are the default lab and valid', () => {
    expect(DEFAULT_START_OPTIONS).toMatchObject({ name: 'default', nodes: 3, kibana: true, fleetServer: true, agents: 1, license: 'trial' });
    expect(problemsOf(DEFAULT_START_OPTIONS)).toEqual({});
  });
  it('say what is wrong in the spec’s own words, on the right field', () => {
    expect(problemsOf({ ...DEFAULT_START_OPTIONS, nodes: 9 }).nodes).toContain('9 Elasticsearch nodes is not allowed');
    expect(problemsOf({ ...DEFAULT_START_OPTIONS, name: 'Bad Name' }).name).toContain('not a DNS-safe lab name');
  });
  it('switching Kibana off takes Fleet Server and agents along', async () => {
    const stores = createAppStores(createMemoryApi(), { preflightDebounceMs: 0 });
    stores.start.getState().setOption('kibana', false);
    expect(stores.start.getState().options).toMatchObject({ kibana: false, fleetServer: false, agents: 0 });
    expect(stores.start.getState().problems).toEqual({});
  });
});

describe('bring-up store', () => {
  it('follows phases, image bytes and component states from lab events', () => {
    let now = 1000;
    const store = createBringUpStore(() => now);
    store.getState().begin('default', 'up');
    const emit = (event: Parameters<typeof applyLabEvent>[1]) => store.getState().applyEvent({ type: 'lab-event', event });
    emit({ type: 'phase-started', lab: 'default', phase: 'images', title: 'Images', at: '' });
    emit({ type: 'image-progress', lab: 'default', image: 'es:9', status: 'Downloading', currentBytes: 50, totalBytes: 100 });
    emit({ type: 'image-progress', lab: 'default', image: 'es:9', status: 'Downloading', currentBytes: 100, totalBytes: 100 });
    emit({ type: 'component-state', lab: 'other', component: 'es01', state: 'ready' });
    emit({ type: 'component-state', lab: 'default', component: 'es01', state: 'starting' });
    now = 2500;
    emit({ type: 'phase-finished', lab: 'default', phase: 'images', outcome: 'done', at: '', elapsedMs: 1500 });
    const run = store.getState().run!;
    expect(run.phases.find((phase) => phase.phase === 'images')).toMatchObject({ state: 'done', elapsedMs: 1500 });
    expect(run.images).toEqual([{ image: 'es:9', status: 'Downloading', currentBytes: 100, totalBytes: 100 }]);
    expect(run.components).toEqual([{ component: 'es01', state: 'starting', detail: undefined }]);
  });
  it('keeps the failing component, its log tail and the fix message', () => {
    const store = createBringUpStore();
    store.getState().begin('default', 'reset');
    expect(store.getState().run!.phases[0].phase).toBe('teardown');
    store.getState().fail(new LabApiError({ code: 'COMPONENT_FAILED', message: 'es02 did not join: regenerate (Reset).', context: { component: 'es02', phase: 'elasticsearch', logTail: ['handshake failed'] } }));
    expect(store.getState().run!.failure).toEqual({ code: 'COMPONENT_FAILED', message: 'es02 did not join: regenerate (Reset).', component: 'es02', phase: 'elasticsearch', logTail: ['handshake failed'] });
  });
});

describe('app stores over the in-memory lab', () => {
  it('hydrate, start a lab, follow its status and tear it down', async () => {
    const api = createMemoryApi();
    const stores = createAppStores(api, { preflightDebounceMs: 0 });
    await stores.hydrate();
    expect(stores.labs.getState().hydrated).toBe(true);
    expect(stores.start.getState().preflight?.map((check) => check.id)).toContain('docker');
    stores.bringUp.getState().begin('default', 'up');
    const status = await api['labs.up']({ spec: { images: 'emulated' } });
    expect(status.state).toBe('running');
    expect(stores.labs.getState().statuses.default?.checks?.length).toBeGreaterThan(20);
    expect(stores.bringUp.getState().run!.phases.every((phase) => phase.state === 'done')).toBe(true);
    await stores.logs.getState().open('default', 'es02');
    expect(stores.logs.getState().lines[0]).toContain('[es02]');
    await api['labs.down']({ lab: 'default' });
    await stores.labs.getState().refresh();
    expect(stores.labs.getState().summaries).toEqual([]);
    stores.dispose();
  });
});
