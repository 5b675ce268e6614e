/**
 * Entry of `/usr/local/bin/kibana-docker`, the image's default command: maps allow-listed env vars to
 * `--setting=value` and runs `bin/kibana` with them (before any arguments it was given itself).
 */
import { kibanaArgsFromEnv } from './docker-env';
import { runKibana } from './run-kibana';

runKibana([...kibanaArgsFromEnv(process.env), ...process.argv.slice(2)]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
