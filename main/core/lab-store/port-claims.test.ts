import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { allocateLab } from './allocate-lab.ts';
import { PortClaims } from './port-claims.ts';

/** A pid no process has: the highest the kernel hands out, plus one. */
const GONE_PID = 4_194_305;
const folders: string[] = [];
const claimsFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'seclab-claims-test-'));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('port claims between ups at the same moment', () => {
  it('a port one up claimed is held against another lab, in another process or in this one, until released', () => {
    const dir = claimsFolder();
    const first = new PortClaims('alpha', dir);
    const second = new PortClaims('beta', dir);
    expect(first.claim(9200)).toBe(true);
    expect(first.claim(9200)).toBe(true);
    expect(second.claim(9200)).toBe(false);
    expect(second.holder(9200)).toEqual({ pid: process.pid, lab: 'alpha' });
    expect(first.holder(9200)).toBeUndefined();
    first.release();
    expect(readdirSync(dir)).toEqual([]);
    expect(second.claim(9200)).toBe(true);
  });

  it("a claim whose process is gone counts for nothing, and release leaves other labs' claims", () => {
    const dir = claimsFolder();
    writeFileSync(join(dir, '5601'), JSON.stringify({ pid: GONE_PID, lab: 'crashed' }));
    const claims = new PortClaims('alpha', dir);
    expect(claims.holder(5601)).toBeUndefined();
    expect(claims.claim(5601)).toBe(true);
    new PortClaims('beta', dir).claim(8220);
    claims.release();
    expect(readdirSync(dir)).toEqual(['8220']);
  });

  it('allocation skips a port another up claimed and claims what it gives; a port asked for by name that another up claimed is refused, naming it', async () => {
    const dir = claimsFolder();
    new PortClaims('first', dir).claim(9200);
    const context = { labs: [], engineSubnets: [], isPortFree: async () => true };
    const spec = parseLabSpec({ name: 'second', images: 'emulated' });
    const allocation = await allocateLab(spec, { ...context, claims: new PortClaims('second', dir) });
    expect(allocation.ports).toEqual({ elasticsearch: 9201, kibana: 5601, fleetServer: 8220 });
    expect(readdirSync(dir).sort()).toEqual(['5601', '8220', '9200', '9201']);
    await expect(allocateLab({ ...spec, name: 'third', ports: { elasticsearch: 9201 } }, { ...context, claims: new PortClaims('third', dir) })).rejects.toMatchObject({
      code: 'PORT_TAKEN',
      message: `ports.elasticsearch: 9201 is being taken by \`seclab up\` of lab "second" (pid ${process.pid}): choose another port or leave it out to get a free one`,
    });
  });
});
