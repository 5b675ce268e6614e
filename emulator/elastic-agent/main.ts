/** Entry of `/usr/share/elastic-agent/elastic-agent` (also on PATH as `elastic-agent`). */
import { runElasticAgentCli } from './cli';

runElasticAgentCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
