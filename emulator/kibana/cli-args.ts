/**
 * `bin/kibana` (the `serve` command) arguments, read as Kibana's CLI reads them: commander 4 splits
 * `--name=value` at the first `=`, and an option it does not know takes the next argument as its value
 * unless that starts with `-`; any other word is a positional argument, which `serve` ignores.
 * `collectUnknownOptions` (elastic/kibana src/cli/command.js) then JSON-parses each value, keeping the
 * plain string when that fails, and refuses malformed options with exit code 64 (Command#error).
 * Known options emulated: `-c/--config <file>` (repeatable) and `--allow-root`.
 */
export interface KibanaCliArgs {
  settings: Record<string, unknown>;
  configFiles: string[];
  allowRoot: boolean;
}

export class KibanaCliError extends Error {
  readonly processExitCode = 64;
}

const TITLE = 'Extra serve options';

/** src/cli/command.js: `JSON.parse(value)`, or the string itself. */
export function parseCliValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function splitAtEquals(argv: string[]): string[] {
  return argv.flatMap((arg) => {
    const eq = arg.indexOf('=');
    return arg.startsWith('--') && eq !== -1 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg];
  });
}

export function parseKibanaCliArgs(argv: string[]): KibanaCliArgs {
  const result: KibanaCliArgs = { settings: {}, configFiles: [], allowRoot: false };
  const args = splitAtEquals(argv);
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg === '--allow-root') result.allowRoot = true;
    else if (arg === '-c' || arg === '--config') {
      const file = args[++i];
      if (file !== undefined) result.configFiles.push(file);
    } else if (arg.length > 1 && arg.startsWith('-')) {
      unknown.push(arg);
      const next = args[i + 1];
      if (next !== undefined && (!next.startsWith('-') || next === '-')) unknown.push(args[++i] as string);
    }
  }

  const shorthand = unknown.filter((flag) => /^-[a-zA-Z0-9]$/.test(flag));
  if (shorthand.length > 0) {
    throw new KibanaCliError(`${TITLE} shouldn't have unknown shorthand flag arguments (${shorthand.join(',')}). Possibly an argumentation error?`);
  }
  while (unknown.length > 0) {
    const name = unknown.shift() as string;
    if (!name.startsWith('--')) throw new KibanaCliError(`${TITLE} "${name}" must start with "--"`);
    if (unknown.length === 0) throw new KibanaCliError(`${TITLE} "${name}" must have a value`);
    result.settings[name.slice(2)] = parseCliValue(unknown.shift() as string);
  }
  return result;
}
