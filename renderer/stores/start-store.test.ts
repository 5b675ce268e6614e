import { describe, expect, it } from 'vitest';
import { createMemoryApi } from '../testing/memory-api.ts';
import { createStartStore, DEFAULT_START_OPTIONS } from './start-store.ts';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) } as unknown as Storage;
}

describe('the Start form', () => {
  it('keeps the choices made, for the next visit (a teardown, a reload)', () => {
    const storage = memoryStorage();
    const first = createStartStore(createMemoryApi(), 60_000, storage);
    first.getState().setOption('name', 'workshop1');
    first.getState().setOption('images', 'emulated');
    first.getState().setOption('nodes', 1);
    const next = createStartStore(createMemoryApi(), 60_000, storage);
    expect(next.getState().options).toEqual({ ...DEFAULT_START_OPTIONS, name: 'workshop1', images: 'emulated', nodes: 1 });
  });

  it('falls back to the defaults for what it cannot read', () => {
    const storage = memoryStorage();
    storage.setItem('seclab.start-options', JSON.stringify({ nodes: 'many', license: 'basic' }));
    expect(createStartStore(createMemoryApi(), 60_000, storage).getState().options).toEqual({ ...DEFAULT_START_OPTIONS, license: 'basic' });
    storage.setItem('seclab.start-options', '{not json');
    expect(createStartStore(createMemoryApi(), 60_000, storage).getState().options).toEqual(DEFAULT_START_OPTIONS);
  });
});
