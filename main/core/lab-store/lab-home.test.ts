import { describe, expect, it } from 'vitest';
import { labPaths } from './lab-home.ts';

describe('lab folders', () => {
  it('exist only for lab names by the spec’s rule, so no name reaches outside SECLAB_HOME/labs', () => {
    for (const lab of ['../x', 'x/../y', '..', '', 'A', 'a/b']) expect(() => labPaths('/home', lab), lab).toThrow(expect.objectContaining({ code: 'INVALID_LAB_NAME' }));
    expect(labPaths('/home', 'workshop-1').root).toBe('/home/labs/workshop-1');
  });
});
