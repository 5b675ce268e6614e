import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeKeystore, type KeystoreEntries } from '../../shared/keystore-file.js';

/** KeyStoreWrapper.SEED_CHARS: the characters of a keystore.seed. */
const SEED_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~!@#$%^&*-_=+?';

/** KeyStoreWrapper.addBootstrapSeed: 20 random characters. */
export function newKeystoreSeed(): Buffer {
  return Buffer.from(Array.from(randomBytes(20), (byte) => SEED_CHARS[byte % SEED_CHARS.length]).join(''));
}

/**
 * KeyStoreWrapper.bootstrap, at the node's start: a config directory without a keystore gets a new
 * one, holding only keystore.seed, saved without a password (Elastic's image ships none; a node
 * that was never given ELASTIC_PASSWORD or a keystore starts this way). A config directory the node
 * may not write fails the start, as the save does in the product.
 */
export function keystoreAtStart(pathConf: string, existing: KeystoreEntries | undefined): KeystoreEntries {
  if (existing) return existing;
  const created: KeystoreEntries = { 'keystore.seed': newKeystoreSeed() };
  writeKeystore(join(pathConf, 'elasticsearch.keystore'), created);
  return created;
}
