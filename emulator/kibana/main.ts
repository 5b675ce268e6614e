/** Entry of `/usr/share/kibana/bin/kibana`. */
import { runKibana } from './run-kibana';

runKibana(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
