import { parseKibanaCliArgs } from './cli-args';
import { resolveKibanaPaths } from './paths';
import { loadRawKibanaSettings } from './settings';
import { buildKibanaConfig } from './config';
import { createLogger } from './logger';
import { resolveServerUuid } from './server-uuid';
import { startKibana } from './kibana-server';

/**
 * `bin/kibana`. Refuses root like src/setup_node_env/root/index.js unless `--allow-root`;
 * SECLAB_EMULATOR_TEST_ALLOW_ROOT=1 is the emulator's test-only bypass (tests run as root on a host).
 */
export async function runKibana(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cli = parseKibanaCliArgs(argv);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && !cli.allowRoot && env.SECLAB_EMULATOR_TEST_ALLOW_ROOT !== '1') {
    console.error('Kibana should not be run as root.  Use --allow-root to continue.');
    process.exit(1);
  }

  const paths = resolveKibanaPaths(env);
  const rawLogger = createLogger({ json: false });
  let raw;
  let config;
  try {
    raw = loadRawKibanaSettings(paths, cli);
    config = buildKibanaConfig(raw.settings, paths.home);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Kibana's bootstrap logs the fatal error, then the CLI prints ` FATAL  Error: …` and exits 1.
    rawLogger.fatal(`Error: ${message}`);
    console.error(`\n FATAL  Error: ${message}\n`);
    process.exit(1);
  }

  const logger = createLogger({ json: config.logging.json });
  const dataDir = typeof raw.settings['path.data'] === 'string' ? raw.settings['path.data'] : paths.data;
  logger.get('root').info(`Kibana ${config.server.name} starting (emulated)`);
  try {
    const kibana = await startKibana(config, raw.settings, resolveServerUuid(dataDir), logger);
    const shutdown = () => {
      logger.get('root').info('Kibana is shutting down');
      void kibana.stop().then(() => process.exit(0));
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  } catch (error) {
    logger.fatal(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}


