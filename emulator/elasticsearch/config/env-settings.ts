/**
 * How the official Docker image turns environment variables into settings.
 * - `^[a-z0-9_]+\.[a-z0-9_]+` names with a non-empty value are settings as they are
 *   (ES distribution/docker/src/docker/bin/docker-entrypoint.sh, `-E${envvar_key}=${envvar_value}`).
 * - `ES_SETTING_` names: upper case, `_` stands for `.` and `__` for `_`
 *   (docs: install-elasticsearch-docker-configure, e.g. ES_SETTING_BOOTSTRAP_MEMORY__LOCK=true).
 */
const DOTTED_SETTING = /^[a-z0-9_]+\.[a-z0-9_]+/;
const ES_SETTING_PREFIX = 'ES_SETTING_';

export function settingNameFromEsSettingVariable(variable: string): string {
  const encoded = variable.slice(ES_SETTING_PREFIX.length);
  return encoded
    .split('__')
    .map((part) => part.toLowerCase().replace(/_/g, '.'))
    .join('_');
}

export function settingsFromEnvironment(environment: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined || value === '') continue;
    if (DOTTED_SETTING.test(name)) settings[name] = value;
    else if (name.startsWith(ES_SETTING_PREFIX) && name.length > ES_SETTING_PREFIX.length) {
      settings[settingNameFromEsSettingVariable(name)] = value;
    }
  }
  return settings;
}

/** `-Ename=value` / `-E name=value` command-line settings, as bin/elasticsearch accepts them. */
export function settingsFromArguments(args: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    let assignment: string | undefined;
    if (arg === '-E') assignment = args[++index];
    else if (arg.startsWith('-E')) assignment = arg.slice(2);
    if (!assignment) continue;
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new Error(`setting [${assignment}] must be in the form key=value`);
    settings[assignment.slice(0, equals)] = assignment.slice(equals + 1);
  }
  return settings;
}
