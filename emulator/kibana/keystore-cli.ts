/**
 * Entry of `/usr/share/kibana/bin/kibana-keystore`: create, list, add <key> [-x|--stdin] [-f|--force],
 * remove <key>, show <key> [-o|--output <file>], with the wording of src/cli/keystore/*.ts.
 * (`passwd`/`has-passwd` and password-protected keystores are not emulated.)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readKeystore, writeKeystore, type KeystoreEntries } from '../shared/keystore-file';
import { resolveKibanaPaths } from './paths';

const NOT_FOUND = "ERROR: Kibana keystore not found. Use 'create' command to create one.";

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

function hasFlag(args: string[], ...names: string[]): boolean {
  return args.some((a) => names.includes(a));
}

export function runKeystoreCli(argv: string[], env: NodeJS.ProcessEnv): number {
  const { keystoreFile } = resolveKibanaPaths(env);
  const [command, ...rest] = argv;
  const silent = hasFlag(rest, '-s', '--silent');
  const log = (message: string) => {
    if (!silent) console.log(message);
  };
  const positional = rest.filter((a, i) => !a.startsWith('-') && !['-o', '--output'].includes(rest[i - 1] ?? ''));
  const load = (): KeystoreEntries | undefined => readKeystore(keystoreFile);

  switch (command) {
    case 'create': {
      if (existsSync(keystoreFile)) {
        // The real tool asks "A Kibana keystore already exists. Overwrite?"; without a terminal, that is a no.
        log('Exiting without modifying keystore.');
        return 0;
      }
      mkdirSync(dirname(keystoreFile), { recursive: true });
      writeKeystore(keystoreFile, {});
      log(`Created Kibana keystore in ${keystoreFile}`);
      return 0;
    }
    case 'list': {
      const entries = load();
      if (!entries) {
        console.error(NOT_FOUND);
        return 1;
      }
      log(Object.keys(entries).join('\n'));
      return 0;
    }
    case 'add': {
      const key = positional[0];
      if (!key) {
        console.error("error: missing required argument 'key'");
        return 1;
      }
      const entries = load();
      if (!entries) {
        console.error(NOT_FOUND);
        return 1;
      }
      const force = hasFlag(rest, '-f', '--force');
      const stdin = hasFlag(rest, '-x', '--stdin');
      if (!force && entries[key] !== undefined) {
        if (stdin) log(`Setting ${key} already exists, exiting without modifying keystore.`);
        else log('Exiting without modifying keystore.');
        return 0;
      }
      // Interactive prompting is not emulated: without --stdin the value still comes from stdin.
      const value = readStdin().trim();
      entries[key] = Buffer.from(value, 'utf8');
      writeKeystore(keystoreFile, entries);
      return 0;
    }
    case 'remove': {
      const key = positional[0];
      const entries = load();
      if (!entries) {
        console.error(NOT_FOUND);
        return 1;
      }
      if (key) delete entries[key];
      writeKeystore(keystoreFile, entries);
      return 0;
    }
    case 'show': {
      const key = positional[0] ?? '';
      const entries = load();
      if (!entries) {
        console.error(NOT_FOUND);
        return 255;
      }
      if (entries[key] === undefined) {
        console.error("ERROR: Kibana keystore doesn't have requested key.");
        return 255;
      }
      const value = entries[key]!.toString('utf8');
      const outputIndex = rest.findIndex((a) => a === '-o' || a === '--output');
      const output = outputIndex >= 0 ? rest[outputIndex + 1] : undefined;
      if (output) {
        if (existsSync(output)) {
          console.error('ERROR: Output file already exists. Remove it before retrying.');
          return 255;
        }
        writeFileSync(output, value);
        log('Writing output to file: ' + output);
      } else log(value);
      return 0;
    }
    default:
      console.log(
        'Usage: bin/kibana-keystore [options] [command]\n\nA tool for managing settings stored in the Kibana keystore\n\nCommands:\n  create [options]   Creates a new Kibana keystore\n  list [options]     List entries in the keystore\n  add [options] <key>  Add a setting to the keystore\n  remove [options] <key>  Remove a setting from the keystore\n  show [options] <key>  Displays the value of a single setting in the keystore',
      );
      return command ? 1 : 0;
  }
}

process.exitCode = runKeystoreCli(process.argv.slice(2), process.env);
