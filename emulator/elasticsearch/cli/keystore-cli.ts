import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readKeystore, writeKeystore, type KeystoreEntries } from '../../shared/keystore-file.js';
import { newKeystoreSeed } from '../config/bootstrap-keystore.js';
import { ExitCodes, UserError, type Terminal } from './terminal.js';

/**
 * bin/elasticsearch-keystore: create, list, add, add-file, remove, show, has-passwd, upgrade, passwd.
 * Wording from ES distribution/tools/keystore-cli (KeyStoreCli and its subcommands).
 */
const SETTING_NAME = /^[A-Za-z0-9_\-.]+$/;

export interface KeystoreCliEnvironment {
  environment: NodeJS.ProcessEnv;
  terminal: Terminal;
}

function keystorePath(environment: NodeJS.ProcessEnv): string {
  const esHome = resolve(environment.ES_HOME ?? '/usr/share/elasticsearch');
  return join(resolve(environment.ES_PATH_CONF ?? join(esHome, 'config')), 'elasticsearch.keystore');
}

function loadExisting(path: string): KeystoreEntries {
  const entries = readKeystore(path);
  if (!entries) throw new UserError(ExitCodes.DATA_ERROR, `Elasticsearch keystore not found at [${path}]. Use 'create' command to create one.`);
  return entries;
}

function newKeystore(): KeystoreEntries {
  // The real tool seeds every keystore with a random keystore.seed entry.
  return { 'keystore.seed': newKeystoreSeed() };
}

function confirm(terminal: Terminal, question: string): boolean {
  const answer = terminal.readLine(`${question} [y/N]`);
  return answer !== undefined && answer.trim().toLowerCase() === 'y';
}

function validateName(name: string): void {
  if (!SETTING_NAME.test(name)) {
    throw new UserError(ExitCodes.USAGE, `Setting name [${name}] does not match the allowed setting name pattern [[A-Za-z0-9_\\-.]+]`);
  }
}

function parseFlags(args: string[], flags: Record<string, string[]>): { options: Set<string>; positional: string[]; values: Record<string, string> } {
  const options = new Set<string>();
  const positional: string[] = [];
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const flag = Object.entries(flags).find(([, aliases]) => aliases.includes(arg));
    if (flag) {
      if (flag[0].endsWith('=')) values[flag[0].slice(0, -1)] = args[++index] ?? '';
      else options.add(flag[0]);
    } else if (arg.startsWith('-') && arg !== '-') throw new UserError(ExitCodes.USAGE, `${arg} is not a recognized option`);
    else positional.push(arg);
  }
  return { options, positional, values };
}

export function runKeystoreCli(args: string[], { environment, terminal }: KeystoreCliEnvironment): number {
  const [command, ...rest] = args;
  const path = keystorePath(environment);
  try {
    switch (command) {
      case 'create': {
        const { options } = parseFlags(rest, { password: ['-p', '--password'], silent: ['-s', '--silent'] });
        if (options.has('password')) throw new UserError(ExitCodes.DATA_ERROR, 'password-protected keystores are not supported by the seclab emulated image');
        if (existsSync(path) && !confirm(terminal, 'An elasticsearch keystore already exists. Overwrite?')) {
          terminal.print('Exiting without creating keystore.');
          return ExitCodes.OK;
        }
        writeKeystore(path, newKeystore());
        return ExitCodes.OK;
      }
      case 'list': {
        const entries = loadExisting(path);
        for (const name of Object.keys(entries).sort()) terminal.print(name);
        return ExitCodes.OK;
      }
      case 'add': {
        const { options, positional } = parseFlags(rest, { force: ['-f', '--force'], stdin: ['-x', '--stdin'], silent: ['-s', '--silent'] });
        if (positional.length === 0) throw new UserError(ExitCodes.USAGE, 'the setting names can not be null');
        positional.forEach(validateName);
        let entries = readKeystore(path);
        if (!entries) {
          if (!options.has('force') && !confirm(terminal, 'The elasticsearch keystore does not exist. Do you want to create it?')) {
            terminal.print('Exiting without creating keystore.');
            return ExitCodes.OK;
          }
          entries = newKeystore();
        }
        for (const name of positional) {
          if (entries[name] && !options.has('force') && !confirm(terminal, `Setting ${name} already exists. Overwrite?`)) {
            terminal.print('Exiting without modifying keystore.');
            return ExitCodes.OK;
          }
          const value = options.has('stdin') ? terminal.readLine() : terminal.readLine(`Enter value for ${name}: `);
          if (value === undefined) throw new UserError(ExitCodes.DATA_ERROR, `missing value for setting [${name}]`);
          entries[name] = Buffer.from(value);
        }
        writeKeystore(path, entries);
        return ExitCodes.OK;
      }
      case 'add-file': {
        const { options, positional } = parseFlags(rest, { force: ['-f', '--force'] });
        if (positional.length < 2 || positional.length % 2 !== 0) throw new UserError(ExitCodes.USAGE, 'settings and filenames must come in pairs');
        let entries = readKeystore(path);
        if (!entries) {
          if (!options.has('force') && !confirm(terminal, 'The elasticsearch keystore does not exist. Do you want to create it?')) return ExitCodes.OK;
          entries = newKeystore();
        }
        for (let index = 0; index < positional.length; index += 2) {
          const name = positional[index]!;
          const file = positional[index + 1]!;
          validateName(name);
          if (entries[name] && !options.has('force') && !confirm(terminal, `Setting ${name} already exists. Overwrite?`)) {
            terminal.print('Exiting without modifying keystore.');
            return ExitCodes.OK;
          }
          if (!existsSync(file)) throw new UserError(ExitCodes.IO_ERROR, `File [${file}] does not exist`);
          entries[name] = readFileSync(file);
        }
        writeKeystore(path, entries);
        return ExitCodes.OK;
      }
      case 'remove': {
        const { positional } = parseFlags(rest, {});
        if (positional.length === 0) throw new UserError(ExitCodes.USAGE, 'Must supply at least one setting to remove');
        const entries = loadExisting(path);
        for (const name of positional) {
          if (!entries[name]) throw new UserError(ExitCodes.DATA_ERROR, `Setting [${name}] does not exist in the keystore.`);
          delete entries[name];
        }
        writeKeystore(path, entries);
        return ExitCodes.OK;
      }
      case 'show': {
        const { positional, values } = parseFlags(rest, { 'output=': ['-o', '--output'] });
        if (positional.length !== 1) throw new UserError(ExitCodes.USAGE, 'Must provide a single setting name to show');
        const entries = loadExisting(path);
        const value = entries[positional[0]!];
        if (!value) throw new UserError(ExitCodes.DATA_ERROR, `Setting [${positional[0]}] does not exist in the keystore.`);
        if (values.output) writeFileSync(values.output, value);
        else terminal.print(value.toString('utf8'));
        return ExitCodes.OK;
      }
      case 'has-passwd': {
        const { options } = parseFlags(rest, { silent: ['-s', '--silent'] });
        loadExisting(path);
        // This image's keystores are never password-protected; the real tool exits 1 in that case.
        if (!options.has('silent')) terminal.error('ERROR: Keystore is not password-protected');
        return 1;
      }
      case 'upgrade':
        loadExisting(path);
        return ExitCodes.OK;
      case 'passwd':
        loadExisting(path);
        throw new UserError(ExitCodes.DATA_ERROR, 'password-protected keystores are not supported by the seclab emulated image');
      default:
        terminal.error(
          'A tool for managing settings stored in the elasticsearch keystore\n\nCommands\n--------\ncreate - Creates a new elasticsearch keystore\nlist - List entries in the keystore\nadd - Add a string settings to the keystore\nadd-file - Add a file setting to the keystore\nremove - Remove settings from the keystore\nupgrade - Upgrade the keystore format\npasswd - Changes the password of a keystore\nhas-passwd - Succeeds if the keystore exists and is password-protected, fails with exit code 1 otherwise.\nshow - Show a value from the keystore',
        );
        if (command !== undefined && command !== '-h' && command !== '--help') {
          terminal.error(`ERROR: Unknown command [${command}]`);
          return ExitCodes.USAGE;
        }
        return ExitCodes.OK;
    }
  } catch (error) {
    if (error instanceof UserError) {
      terminal.error(`ERROR: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
