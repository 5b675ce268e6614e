/**
 * Entry of `/usr/local/bin/docker-entrypoint`: the official image's script
 * (dev-tools/packaging/templates/docker/docker-entrypoint.elastic-agent.tmpl) sets `umask 0007` and runs
 * `elastic-agent container "$@"`; this does the same.
 */
import { runElasticAgentCli } from './cli';

process.umask(0o007);

runElasticAgentCli(['container', ...process.argv.slice(2)]).catch((error: unknown) => {
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
