import { describe, expect, it } from 'vitest';
import { counted, removedObjects } from './counted.ts';

describe('counted', () => {
  it('is singular for one only', () => {
    expect([0, 1, 2].map((n) => counted(n, 'network'))).toEqual(['0 networks', '1 network', '2 networks']);
  });

  it('says what a teardown removed', () => {
    expect(removedObjects({ containers: 4, volumes: 8, networks: 1 })).toBe('4 containers, 8 volumes, 1 network');
    expect(removedObjects({ containers: 1, volumes: 0, networks: 0 })).toBe('1 container, 0 volumes, 0 networks');
  });
});
