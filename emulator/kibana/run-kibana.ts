import { KibanaCliError, parseKibanaCliArgs, type KibanaCliArgs } from './cli-args';
import { resolveKibanaPaths } from './paths';
import { loadRawKibanaSettings } from './settings';
import { buildKibanaConfig, ConfigValidationError } from './config';
import { createLogger } from './logger';
import { resolveServerUuid } from './server-uuid';
import { startKibana } from './kibana-server';

/**
 * `bin/kibana`. Refuses root like src/setup_node_env/root/index.js unless `--allow-root`;
 * SECLAB_EMULATOR_TEST_ALLOW_ROOT=1 is the emulator's test-only bypass (tests run as root on a host).
 */
export async function runKibana(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && !argv.includes('--allow-root') && env.SECLAB_EMULATOR_TEST_ALLOW_ROOT !== '1') {
    console.error('Kibana should not be run as root.  Use --allow-root to continue.');
    process.exit(1);
  }

  let cli: KibanaCliArgs;
  try {
    cli = parseKibanaCliArgs(argv);
  } catch (error) {
    if (!(error instanceof KibanaCliError)) throw error;
    // src/cli/command.js Command#error: printed on stdout (followed there by the command's help), exit 64.
    console.log(`\n ERROR  ${error.message}\n`);
    process.exit(error.processExitCode);
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
    // Root#shutdown logs the reason, then bootstrap's onRootShutdown prints ` FATAL  Error: …` and exits
    // with the CriticalError's code: 78 for an invalid config, 64 for unknown keys (ensure_valid_configuration.ts).
    rawLogger.get('root').info('Kibana is shutting down');
    rawLogger.fatal(`Error: ${message}`);
    console.error(`\n FATAL  Error: ${message}\n`);
    process.exit(error instanceof ConfigValidationError ? error.processExitCode : 1);
  }

  const logger = createLogger({ json: config.logging.json });
  const dataDir = config.path.data ?? paths.data;
  logger.get('root').info(`Kibana ${config.server.name} starting (emulated)`);
  try {
    const kibana = await startKibana(config, resolveServerUuid(dataDir), logger);
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
