/**
 * `bin/kibana` arguments: `--some.setting=value` overrides (what kibana-docker passes), `-c/--config <file>`,
 * and `--allow-root`. A repeated setting keeps the last value, as Kibana's CLI does.
 */
export interface KibanaCliArgs {
  settings: Record<string, string>;
  configFiles: string[];
  allowRoot: boolean;
}

export function parseKibanaCliArgs(argv: string[]): KibanaCliArgs {
  const result: KibanaCliArgs = { settings: {}, configFiles: [], allowRoot: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--allow-root') result.allowRoot = true;
    else if (arg === '-c' || arg === '--config') {
      const file = argv[++i];
      if (file) result.configFiles.push(file);
    } else if (arg.startsWith('--config=')) result.configFiles.push(arg.slice('--config='.length));
    else if (arg.startsWith('--') && arg.includes('=')) {
      const eq = arg.indexOf('=');
      result.settings[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (arg.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        result.settings[arg.slice(2)] = next;
        i++;
      } else result.settings[arg.slice(2)] = 'true';
    }
  }
  return result;
}
