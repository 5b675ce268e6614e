import { flattenSettings, readYamlSettings, type FlatSettings } from '../shared/settings-file';
import { readKeystore, type KeystoreEntries } from '../shared/keystore-file';
import type { KibanaPaths } from './paths';
import type { KibanaCliArgs } from './cli-args';

/**
 * Effective raw settings, lowest to highest precedence: kibana.yml (or the `-c` files), then the
 * `--setting=value` CLI overrides, then the keystore — Kibana's serve command merges the keystore last
 * (src/cli/serve/serve: applyConfigOverrides(rawConfig, opts, extraCliOptions, keystoreConfig)).
 */
export interface RawKibanaSettings {
  settings: FlatSettings;
  keystoreNames: string[];
}

/** `kibana-keystore add` JSON-parses values when it can (src/cli/keystore/add.ts); so does reading them back. */
export function keystoreSettingValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A value that is an object (JSON from a flag or the keystore) merges key by key, as lodash's merge does. */
function mergeSetting(into: FlatSettings, name: string, value: unknown): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(into, flattenSettings(value, name));
  else into[name] = value;
}

function keystoreSettings(entries: KeystoreEntries | undefined): FlatSettings {
  const out: FlatSettings = {};
  for (const [name, value] of Object.entries(entries ?? {})) mergeSetting(out, name, keystoreSettingValue(value.toString('utf8')));
  return out;
}

export function loadRawKibanaSettings(paths: KibanaPaths, cli: KibanaCliArgs): RawKibanaSettings {
  const ymlFiles = cli.configFiles.length > 0 ? cli.configFiles : [paths.ymlFile];
  const settings: FlatSettings = {};
  for (const file of ymlFiles) Object.assign(settings, readYamlSettings(file));
  for (const [name, value] of Object.entries(cli.settings)) mergeSetting(settings, name, value);
  const keystore = readKeystore(paths.keystoreFile);
  Object.assign(settings, keystoreSettings(keystore));
  return { settings, keystoreNames: Object.keys(keystore ?? {}) };
}
