import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashSecret, randomId } from '../security/passwords.js';
import { encodeServiceToken, TOKEN_NAME_PATTERN } from '../security/service-tokens.js';
import { SERVICE_ACCOUNTS } from '../security/elastic-service-accounts.js';
import { ExitCodes, UserError, type Terminal } from './terminal.js';

/** bin/elasticsearch-service-tokens create|list|delete — file-backed tokens in config/service_tokens. */
export function runServiceTokensCli(args: string[], environment: NodeJS.ProcessEnv, terminal: Terminal): number {
  const esHome = resolve(environment.ES_HOME ?? '/usr/share/elasticsearch');
  const file = join(resolve(environment.ES_PATH_CONF ?? join(esHome, 'config')), 'service_tokens');
  const lines = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim())
    : [];
  const save = (content: string[]) => {
    writeFileSync(`${file}.tmp`, content.map((line) => line + '\n').join(''), { mode: 0o660 });
    renameSync(`${file}.tmp`, file);
  };
  const [command, account, name] = args;
  const checkAccount = () => {
    if (!account || !SERVICE_ACCOUNTS[account]) {
      throw new UserError(ExitCodes.DATA_ERROR, `Unknown service account principal: [${account ?? ''}]. Must be one of [${Object.keys(SERVICE_ACCOUNTS).join(', ')}]`);
    }
  };
  try {
    switch (command) {
      case 'create': {
        checkAccount();
        if (!name || !TOKEN_NAME_PATTERN.test(name) || name.startsWith('_')) throw new UserError(ExitCodes.DATA_ERROR, `Invalid service token name [${name ?? ''}]`);
        const id = `${account}/${name}`;
        if (lines.some((line) => line.startsWith(`${id}:`))) throw new UserError(ExitCodes.DATA_ERROR, `Service token [${id}] already exists`);
        const secret = randomId(22);
        save([...lines, `${id}:${hashSecret(secret)}`]);
        terminal.print(`SERVICE_TOKEN ${id} = ${encodeServiceToken(account!, name, secret)}`);
        return ExitCodes.OK;
      }
      case 'list':
        for (const line of lines) {
          const id = line.slice(0, line.indexOf(':'));
          if (!account || id.startsWith(`${account}/`)) terminal.print(id);
        }
        return ExitCodes.OK;
      case 'delete': {
        checkAccount();
        const id = `${account}/${name}`;
        if (!lines.some((line) => line.startsWith(`${id}:`))) throw new UserError(ExitCodes.NO_INPUT, `Service token [${id}] does not exist`);
        save(lines.filter((line) => !line.startsWith(`${id}:`)));
        return ExitCodes.OK;
      }
      default:
        terminal.error(
          'Manages elasticsearch service account file-tokens\n\nCommands\n--------\ncreate - Create a file token for specified service account and token name\ndelete - Remove a file token for specified service account and token name\nlist - List file tokens for the specified service account',
        );
        return command ? ExitCodes.USAGE : ExitCodes.OK;
    }
  } catch (error) {
    if (error instanceof UserError) {
      terminal.error(`ERROR: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
