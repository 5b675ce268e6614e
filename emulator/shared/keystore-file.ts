import { readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';

/**
 * The emulated products' keystore. Elastic's real keystore is an obfuscated (optionally
 * password-protected) binary file; only the products' own tools read or write it, so the
 * emulator is free to pick its own format as long as its tool and its server agree.
 * Like the real one, it is obfuscated but not encrypted.
 */
const MAGIC = 'seclab-emulated-keystore-v1';

export interface KeystoreEntries {
  [name: string]: Buffer;
}

export function readKeystore(path: string): KeystoreEntries | undefined {
  if (!existsSync(path)) return undefined;
  const decoded = JSON.parse(Buffer.from(readFileSync(path, 'utf8'), 'base64').toString('utf8')) as {
    magic: string;
    entries: Record<string, string>;
  };
  if (decoded.magic !== MAGIC) throw new Error(`[${path}] is not a keystore created by this product's keystore tool`);
  const entries: KeystoreEntries = {};
  for (const [name, value] of Object.entries(decoded.entries)) entries[name] = Buffer.from(value, 'base64');
  return entries;
}

export function writeKeystore(path: string, entries: KeystoreEntries): void {
  const encoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) encoded[name] = value.toString('base64');
  const body = Buffer.from(JSON.stringify({ magic: MAGIC, entries: encoded })).toString('base64');
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, body, { mode: 0o660 });
  renameSync(temporary, path);
}

export function keystoreValue(entries: KeystoreEntries | undefined, name: string): string | undefined {
  return entries?.[name]?.toString('utf8');
}
