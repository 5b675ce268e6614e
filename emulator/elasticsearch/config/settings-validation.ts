import { StartupError } from '../bootstrap-checks.js';
import { findSetting, KEY_SETTINGS } from './known-settings.js';

/**
 * The node's settings check at startup, in ES's order and words:
 * 1. SettingsModule: `index.*` keys that are no node setting → "node settings must not contain any index level settings"
 *    (after a WARN that lists them);
 * 2. AbstractScopedSettings.validate, keys in sorted order (ES Settings are a sorted map; the first failure is thrown):
 *    unknown key → "unknown [secure ]setting [k] did you mean …?" or "… please check that any required plugins are
 *    installed, or check the breaking changes documentation for removed settings"; then Setting.get: a secure setting
 *    outside the keystore, or a plain one inside it;
 * 3. ClusterBootstrapService: `cluster.initial_master_nodes` with `discovery.type: single-node`.
 * Every failure is an IllegalArgumentException thrown while the Node is built: the launcher exits 1.
 */
const ILLEGAL_ARGUMENT = 'java.lang.IllegalArgumentException';

export interface SettingsSources {
  /** elasticsearch.yml, env and -E settings, merged. */
  settings: Record<string, unknown>;
  /** Names of the keystore's entries. */
  keystoreNames: string[];
}

function illegalArgument(message: string): StartupError {
  return new StartupError(message, 1, ILLEGAL_ARGUMENT);
}

/** Lucene's LevenshteinDistance.getDistance: 1 - edits / longer length, the score ES compares with 0.7. */
export function levenshteinSimilarity(target: string, other: string): number {
  if (target.length === 0 || other.length === 0) return target.length === other.length ? 1 : 0;
  let previous = Array.from({ length: target.length + 1 }, (_, index) => index);
  for (let j = 1; j <= other.length; j++) {
    const current = [j];
    for (let i = 1; i <= target.length; i++) {
      const cost = target[i - 1] === other[j - 1] ? 0 : 1;
      current[i] = Math.min(current[i - 1]! + 1, previous[i]! + 1, previous[i - 1]! + cost);
    }
    previous = current;
  }
  return 1 - previous[target.length]! / Math.max(target.length, other.length);
}

/** The "did you mean" suggestions: key settings scoring above 0.7, best first (ties by name; ES keeps hash order). */
export function suggestionsFor(key: string): string[] {
  return KEY_SETTINGS.map((setting) => ({ name: setting.key, score: levenshteinSimilarity(key, setting.key) }))
    .filter((candidate) => candidate.score > 0.7)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .map((candidate) => candidate.name);
}

export function unknownSettingMessage(key: string, inKeystore: boolean): string {
  const prefix = `${inKeystore ? 'unknown secure setting' : 'unknown setting'} [${key}]`;
  const suggestions = suggestionsFor(key);
  if (suggestions.length === 1) return `${prefix} did you mean [${suggestions[0]}]?`;
  if (suggestions.length > 1) return `${prefix} did you mean any of [${suggestions.join(', ')}]?`;
  return `${prefix} please check that any required plugins are installed, or check the breaking changes documentation for removed settings`;
}

/** SettingsModule's WARN before it refuses index settings (text and 85-column wrapping as in SettingsModule). */
export function indexLevelSettingsWarning(indexSettings: Record<string, unknown>): string {
  const separator = '*'.repeat(85);
  const text =
    'Since elasticsearch 5.x index level settings can NOT be set on the nodes configuration like the elasticsearch.yaml, in system ' +
    'properties or command line arguments.In order to upgrade all indices the settings must be updated via the /${index}/_settings API. ' +
    'Unless all settings are dynamic all indices must be closed in order to apply the upgradeIndices created in the future should use ' +
    'index templates to set default values.';
  let wrapped = '';
  let count = 0;
  for (const word of text.split(' ')) {
    if (count + word.length > 85) {
      wrapped += '\n';
      count = 0;
    }
    count += word.length + 1;
    wrapped += `${word} `;
  }
  const body = JSON.stringify(Object.fromEntries(Object.entries(indexSettings).map(([key, value]) => [key, String(value)])), null, 2);
  return [
    '',
    separator,
    'Found index level settings on node level configuration.',
    '',
    wrapped,
    '',
    'Please ensure all required values are updated on all indices by executing: ',
    '',
    `curl -XPUT 'http://localhost:9200/_all/_settings?preserve_existing=true' -d '${body}'`,
    separator,
  ].join('\n');
}

export interface SettingsValidationOutcome {
  /** WARN lines to log before the refusal (the index-settings banner). */
  warnings: string[];
  error?: StartupError;
}

export function validateNodeSettings({ settings, keystoreNames }: SettingsSources): SettingsValidationOutcome {
  const indexSettings = Object.fromEntries(Object.entries(settings).filter(([key]) => key.startsWith('index.') && !findSetting(key)));
  if (Object.keys(indexSettings).length > 0) {
    return { warnings: [indexLevelSettingsWarning(indexSettings)], error: illegalArgument('node settings must not contain any index level settings') };
  }
  const keystore = new Set(keystoreNames);
  const keys = [...new Set([...Object.keys(settings), ...keystoreNames])].sort();
  for (const key of keys) {
    const known = findSetting(key);
    if (!known) return { warnings: [], error: illegalArgument(unknownSettingMessage(key, keystore.has(key))) };
    const secure = known.setting.secure;
    if (secure === true && key in settings) {
      return { warnings: [], error: illegalArgument(`Setting [${key}] is a secure setting and must be stored inside the Elasticsearch keystore, but was found inside elasticsearch.yml`) };
    }
    if (secure === false && keystore.has(key)) {
      return { warnings: [], error: illegalArgument(`Setting [${key}] is a non-secure setting and must be stored inside elasticsearch.yml, but was found inside the Elasticsearch keystore`) };
    }
  }
  if (settings['discovery.type'] === 'single-node' && settings['cluster.initial_master_nodes'] !== undefined) {
    return { warnings: [], error: illegalArgument('setting [cluster.initial_master_nodes] is not allowed when [discovery.type] is set to [single-node]') };
  }
  return { warnings: [] };
}
