import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readKeystore, writeKeystore } from '../shared/keystore-file.js';
import { newKeystoreSeed } from './config/bootstrap-keystore.js';
import { runElasticsearch } from './elasticsearch-launcher.js';

/**
 * /usr/local/bin/docker-entrypoint.sh of the official image (ES 8.x+ distribution/docker/src/docker/bin):
 * `eswrapper` (or a path ending in `elasticsearch`) runs the node, anything else runs as given; ELASTIC_PASSWORD
 * (or ELASTIC_PASSWORD_FILE) goes into the keystore as bootstrap.password unless already there. Env vars with
 * dotted lower-case names and ES_SETTING_* become settings (read by the node itself).
 */
function fail(message: string): never {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(1);
}

function elasticPassword(environment: NodeJS.ProcessEnv): string | undefined {
  const file = environment.ELASTIC_PASSWORD_FILE;
  if (file) {
    if (environment.ELASTIC_PASSWORD) fail('Both ELASTIC_PASSWORD and ELASTIC_PASSWORD_FILE are set. These are mutually exclusive.');
    if (!existsSync(file)) fail(`Password file ${file} does not exist`);
    try {
      accessSync(file, constants.R_OK);
    } catch {
      fail(`Password file ${file} is not readable`);
    }
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  return environment.ELASTIC_PASSWORD || undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const first = args[0];
  if (first !== undefined && first !== 'eswrapper' && basename(first) !== 'elasticsearch') {
    const result = spawnSync(first, args.slice(1), { stdio: 'inherit' });
    process.exit(result.status ?? 1);
  }
  process.umask(0o002);
  const environment = { ...process.env };
  const password = elasticPassword(environment);
  if (password) {
    const esHome = resolve(environment.ES_HOME ?? '/usr/share/elasticsearch');
    const keystorePath = join(resolve(environment.ES_PATH_CONF ?? join(esHome, 'config')), 'elasticsearch.keystore');
    const entries = readKeystore(keystorePath) ?? { 'keystore.seed': newKeystoreSeed() };
    if (!entries['bootstrap.password']) {
      entries['bootstrap.password'] = Buffer.from(password);
      writeKeystore(keystorePath, entries);
    }
  }
  // The real script unsets neither variable, but the node reads bootstrap.password from the keystore first.
  delete environment.ELASTIC_PASSWORD_FILE;
  await runElasticsearch(first === undefined ? [] : args.slice(1), environment);
}

void main();
