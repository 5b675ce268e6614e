/**
 * Entry of `/usr/local/bin/docker-entrypoint`: the official image's script is
 * `elastic-agent container "$@"`; this runs the same command line with the same arguments.
 */
import { runElasticAgentCli } from './cli';

runElasticAgentCli(['container', ...process.argv.slice(2)]).catch((error: unknown) => {
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
