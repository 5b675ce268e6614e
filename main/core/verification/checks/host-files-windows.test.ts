import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateHostFiles } from './host-runtime-checks.ts';
import type { VerificationContext } from '../verification-context.ts';

const RECORDED_ROOT = 'C:\\Users\\alice\\.seclab\\labs\\default';

/** A lab folder with the objects of the recorded `icacls /T` run, and that recording moved onto it. */
function labWithRecordedTree() {
  const home = mkdtempSync(join(tmpdir(), 'seclab-acl-'));
  const root = join(home, 'labs', 'default');
  mkdirSync(join(root, 'certs', 'ca'), { recursive: true });
  writeFileSync(join(root, 'certs', 'ca', 'ca.key'), 'key');
  writeFileSync(join(root, 'certs', 'ca', 'ca.crt'), 'certificate');
  writeFileSync(join(root, 'secrets.json'), '{}');
  const recorded = readFileSync(new URL('../../files/__fixtures__/icacls-tree.txt', import.meta.url), 'utf8');
  const recordedPaths = ['\\certs\\ca\\ca.key', '\\certs\\ca', '\\certs', '\\secrets.json', ''];
  const output = recordedPaths.reduce((text, relative) => text.replaceAll(`${RECORDED_ROOT}${relative} `, `${join(root, ...relative.split('\\'))} `), recorded);
  const ctx = { environment: { home }, lab: 'default' } as unknown as VerificationContext;
  return { root, output, ctx };
}

describe('secrets.host-files on Windows', () => {
  it('runs one icacls /T over the lab folder and names the key whose ACL grants BUILTIN\\Users', async () => {
    const { root, output, ctx } = labWithRecordedTree();
    const calls: string[][] = [];
    const observed = await privateHostFiles(ctx, { platform: 'win32', windowsUser: () => 'DESKTOP-7Q3K2LM\\alice', icacls: async (args) => (calls.push(args), output) });
    expect(calls).toEqual([[root, '/T', '/C']]);
    expect(observed.status).toBe('fail');
    expect(observed.evidence[0]).toBe(`${sep}certs${sep}ca${sep}ca.key: BUILTIN\\Users has (R)`);
    expect(observed.evidence[1]).toMatch(/3 folders and 2 key and secret files checked with icacls/);
    expect(observed.fix).toContain(`icacls "${root}" /inheritance:r /grant:r "DESKTOP-7Q3K2LM\\alice:(OI)(CI)F" "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F"`);
  });

  it('passes when every folder and secret grants only the user, SYSTEM and Administrators', async () => {
    const { output, ctx } = labWithRecordedTree();
    const privateOutput = output.replace(/^.*BUILTIN\\Users:\(R\)\r\n/m, (line) => line.replace('BUILTIN\\Users:(R)', 'NT AUTHORITY\\SYSTEM:(F)'));
    const observed = await privateHostFiles(ctx, { platform: 'win32', windowsUser: () => 'DESKTOP-7Q3K2LM\\alice', icacls: async () => privateOutput });
    expect(observed).toEqual({ status: 'pass', evidence: [expect.stringMatching(/allowed: DESKTOP-7Q3K2LM\\alice, SYSTEM, Administrators$/)] });
  });

  it('fails in words when icacls cannot read the ACL, and when an object is missing from its listing', async () => {
    const { ctx, output } = labWithRecordedTree();
    const denied = await privateHostFiles(ctx, { platform: 'win32', windowsUser: () => 'alice', icacls: async () => Promise.reject(new Error('icacls failed: Access is denied.')) });
    expect(denied.status).toBe('fail');
    expect(denied.evidence[0]).toMatch(/could not be read: icacls failed: Access is denied\./);
    const partial = await privateHostFiles(ctx, { platform: 'win32', windowsUser: () => 'alice', icacls: async () => output.split('\r\n\r\n')[0] });
    expect(partial.evidence[0]).toContain('folder ' + sep + 'certs: icacls listed no ACL');
  });

  it('on Linux keeps reading modes and runs no icacls', async () => {
    const { ctx } = labWithRecordedTree();
    const observed = await privateHostFiles(ctx, { platform: 'linux', windowsUser: () => 'alice', icacls: () => Promise.reject(new Error('icacls must not run')) });
    expect(observed.evidence.join(' ')).toMatch(/certificate folders checked/);
  });
});
