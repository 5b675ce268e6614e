import { runCli } from './run-cli.ts';

const status = await runCli(process.argv.slice(2));
if (status !== 0) process.exit(status);
