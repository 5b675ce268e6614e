import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';
import { issueLabCertificates } from './lab-pki.ts';

const components = () => certificateRequestsFor(parseLabSpec({ elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0 }), 7);
const modeOf = (path: string) => statSync(path).mode & 0o7777;
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'seclab-certs-out-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('seclab certs --out: folder permissions', () => {
  it('leaves an existing shared folder’s mode alone (as /tmp’s 1777), keeping the keys in 0700 folders below it', async () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    await issueLabCertificates({ outDir: shared, components: components(), now: new Date() });
    expect(modeOf(shared)).toBe(0o1777);
    expect(modeOf(join(shared, 'ca'))).toBe(0o700);
    expect(modeOf(join(shared, 'ca', 'ca.key'))).toBe(0o600);
    expect(modeOf(join(shared, 'es01'))).toBe(0o700);
    expect(modeOf(join(shared, 'es01', 'es01.key'))).toBe(0o600);
  });

  it('refuses a folder holding other files: nothing written, its mode unchanged', async () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'someone-elses.txt'), 'x');
    await expect(issueLabCertificates({ outDir: shared, components: components(), now: new Date() })).rejects.toMatchObject({
      code: 'CERTS_OUT_NOT_EMPTY',
      message: expect.stringContaining('already holds other files (someone-elses.txt)'),
    });
    expect(modeOf(shared)).toBe(0o1777);
    expect(readdirSync(shared)).toEqual(['someone-elses.txt']);
  });

  it('makes a folder it creates 0700, and writes into it again later', async () => {
    const created = join(root, 'new', 'certs');
    const first = await issueLabCertificates({ outDir: created, components: components(), now: new Date() });
    expect(modeOf(created)).toBe(0o700);
    expect(first.caOutcome).toBe('issued');
    const again = await issueLabCertificates({ outDir: created, components: components(), now: new Date() });
    expect(again.caOutcome).toBe('reused');
  });

  it('refuses a file', async () => {
    writeFileSync(join(root, 'file'), 'x');
    await expect(issueLabCertificates({ outDir: join(root, 'file'), components: components(), now: new Date() })).rejects.toMatchObject({ code: 'CERTS_OUT_NOT_A_FOLDER' });
    expect(existsSync(join(root, 'ca'))).toBe(false);
  });
});
