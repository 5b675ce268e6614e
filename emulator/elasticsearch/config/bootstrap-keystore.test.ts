import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKeystore, writeKeystore } from '../../shared/keystore-file.js';
import { keystoreAtStart } from './bootstrap-keystore.js';

const configDir = () => mkdtempSync(join(tmpdir(), 'seclab-es-config-'));

describe("the node's keystore at start (KeyStoreWrapper.bootstrap)", () => {
  it('creates a missing keystore holding only keystore.seed (20 characters) and saves it in the config directory', () => {
    const dir = configDir();
    const entries = keystoreAtStart(dir, undefined);
    expect(Object.keys(entries)).toEqual(['keystore.seed']);
    expect(entries['keystore.seed']!.toString()).toMatch(/^[A-Za-z0-9~!@#$%^&*\-_=+?]{20}$/);
    expect(readKeystore(join(dir, 'elasticsearch.keystore'))).toEqual(entries);
  });

  it('keeps a keystore that exists, entries and file alike', () => {
    const dir = configDir();
    const existing = { 'keystore.seed': Buffer.from('x'.repeat(20)), 'bootstrap.password': Buffer.from('secret-value') };
    writeKeystore(join(dir, 'elasticsearch.keystore'), existing);
    expect(keystoreAtStart(dir, existing)).toBe(existing);
    expect(readKeystore(join(dir, 'elasticsearch.keystore'))).toEqual(existing);
  });
});
