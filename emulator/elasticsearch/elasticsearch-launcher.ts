import { startNode } from './node.js';
import { StartupError } from './bootstrap-checks.js';
import { createServerLogger, Loggers, type ServerLogger } from './logging.js';
import type { NodeConfig } from './config/node-config.js';

/**
 * The bin/elasticsearch launcher. Exits like the real launcher: 78 for failed bootstrap checks, 1 for other startup
 * errors, after printing the error to stderr and pointing at the log file.
 */
export async function runElasticsearch(args: string[], environment: NodeJS.ProcessEnv): Promise<void> {
  let logger: ServerLogger | undefined;
  let config: NodeConfig | undefined;
  try {
    const node = await startNode({ environment, args, uid: process.getuid?.() ?? 1000 }, (created, loaded) => {
      logger = created;
      config = loaded;
    });
    const shutdown = () => {
      logger?.info(Loggers.node, 'stopping ...');
      node.stop();
      logger?.info(Loggers.node, 'stopped');
      process.exit(0);
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  } catch (error) {
    const log = logger ?? createServerLogger({ nodeName: process.env['node.name'] ?? 'unknown', clusterName: 'elasticsearch' });
    const logFile = `${config?.pathLogs ?? '/usr/share/elasticsearch/logs'}/${config?.clusterName ?? 'elasticsearch'}.log`;
    if (error instanceof StartupError) {
      const bootstrap = error.exitCode === 78;
      log.error(Loggers.bootstrap, bootstrap ? `node validation exception\n${error.message}` : 'fatal exception while booting Elasticsearch', {
        'error.type': error.errorType,
        'error.message': error.message,
      });
      process.stderr.write(bootstrap ? `\nERROR: ${error.message}\n` : `${error.errorType}: ${error.message}\n`);
      process.stderr.write(`ERROR: Elasticsearch did not exit normally - check the logs at ${logFile}\n`);
      process.exit(error.exitCode);
    }
    log.error(Loggers.bootstrap, 'fatal exception while booting Elasticsearch', { 'error.type': (error as Error).name, 'error.message': (error as Error).message, 'error.stack_trace': (error as Error).stack });
    process.stderr.write(`${(error as Error).stack}\nERROR: Elasticsearch did not exit normally - check the logs at ${logFile}\n`);
    process.exit(1);
  }
}
